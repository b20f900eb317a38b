/*
 * Bundles the web console (src/web) into dist/console with esbuild: one script, one stylesheet,
 * the DejaVu fonts, index.html. No CDN: everything the browser loads comes from this service.
 * Run by `npm run build` (so by `npm start`) and before the tests.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export async function buildConsole(root = process.cwd()): Promise<string> {
  const src = path.join(root, 'src', 'web');
  const out = path.join(root, 'dist', 'console');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'fonts'), { recursive: true });
  await build({
    entryPoints: [path.join(src, 'main.tsx')],
    bundle: true, minify: true, sourcemap: true, format: 'iife', target: ['es2020'],
    jsx: 'automatic', jsxImportSource: 'preact',
    outfile: path.join(out, 'app.js'), logLevel: 'warning',
  });
  fs.copyFileSync(path.join(src, 'styles.css'), path.join(out, 'app.css'));
  const fonts = path.dirname(require.resolve('dejavu-fonts-ttf/package.json'));
  for (const f of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) fs.copyFileSync(path.join(fonts, 'ttf', f), path.join(out, 'fonts', f));
  fs.copyFileSync(path.join(src, 'favicon.svg'), path.join(out, 'favicon.svg'));
  // the script and stylesheet are named with their content hash, so browsers may keep them for a year
  const v = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(out, file))).digest('hex').slice(0, 16);
  const html = fs.readFileSync(path.join(src, 'index.html'), 'utf8')
    .replace('href="/app.css"', `href="/app.css?v=${v('app.css')}"`).replace('src="/app.js"', `src="/app.js?v=${v('app.js')}"`);
  if (!html.includes('?v=')) throw new Error('index.html no longer names /app.css and /app.js');
  fs.writeFileSync(path.join(out, 'index.html'), html);
  return out;
}

if (require.main === module) {
  const t = Date.now();
  buildConsole().then((out) => process.stdout.write(`console built into ${path.relative(process.cwd(), out)} in ${Date.now() - t} ms\n`))
    .catch((err: Error) => { process.stderr.write(`console build failed: ${err.message}\n`); process.exit(1); });
}
