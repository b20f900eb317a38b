import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/*
 * The oracle: the published @mdn/mdn-http-observatory, pinned by test/observatory/package-lock.json
 * and installed outside the project's dependencies, into .tools/observatory/ (gitignored), on
 * first use. Its install script (which downloads the HSTS preload list and a CA bundle) is
 * skipped: it gets an empty preload list (an object: src/analyzer/hsts.js reads Object.entries)
 * and an empty TLD list (an array: only its API's host-name check reads it).
 */
const run = promisify(execFile);
export const REFERENCE_VERSION = '1.4.8';
const PIN_DIR = __dirname;
const TOOL_DIR = path.resolve(__dirname, '../../.tools/observatory');
const PACKAGE_DIR = path.join(TOOL_DIR, 'node_modules/@mdn/mdn-http-observatory');
const ENTRY = path.join(PACKAGE_DIR, 'src/index.js');
const STAMP = path.join(TOOL_DIR, '.installed');
const PINNED = ['package.json', 'package-lock.json'];

const pinHash = () => crypto.createHash('sha256').update(PINNED.map((f) => fs.readFileSync(path.join(PIN_DIR, f), 'utf8')).join('\0')).digest('hex');

/** Env of the children: no npm_* of a parent `npm test`, no proxy (everything scanned is loopback). */
function childEnv(extra: Record<string, string>, keepProxy: boolean): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && (keepProxy || !/_proxy$/i.test(k))));
  return { ...env, ...extra };
}

/** Installs the pinned package when missing or when the pin changed; returns its entry module. */
export async function ensureReference(): Promise<string> {
  const hash = pinHash();
  if (fs.existsSync(ENTRY) && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash) return ENTRY;
  fs.rmSync(TOOL_DIR, { recursive: true, force: true });
  fs.mkdirSync(TOOL_DIR, { recursive: true });
  for (const f of PINNED) fs.copyFileSync(path.join(PIN_DIR, f), path.join(TOOL_DIR, f));
  // the registry may sit behind a proxy: npm keeps it
  await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: TOOL_DIR, env: childEnv({}, true), timeout: 280_000, maxBuffer: 16 * 1024 * 1024,
  });
  const version = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')).version;
  if (version !== REFERENCE_VERSION) throw new Error(`installed @mdn/mdn-http-observatory ${version}, expected ${REFERENCE_VERSION}`);
  fs.mkdirSync(path.join(PACKAGE_DIR, 'conf'), { recursive: true });
  fs.writeFileSync(path.join(PACKAGE_DIR, 'conf/hsts-preload.json'), '{}');
  fs.writeFileSync(path.join(PACKAGE_DIR, 'conf/tld-list.json'), '[]');
  fs.writeFileSync(STAMP, hash);
  return ENTRY;
}

export interface ReferenceTest { outcome: string; pass: boolean; modifier: number }
export type ReferenceResult =
  | { score: number; grade: string; testsPassed: number; testsFailed: number; tests: Record<string, ReferenceTest> }
  | { error: string };

/** The package's scan() of each host, in a child process that trusts `caFile`. */
export async function referenceScan(entry: string, hosts: string[], caFile: string): Promise<Record<string, ReferenceResult>> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attest-observatory-ref-')), 'results.json');
  try {
    await run(process.execPath, [path.join(PIN_DIR, 'reference-scan.mjs'), entry, out, ...hosts], {
      env: childEnv({ NODE_EXTRA_CA_CERTS: caFile, NO_PROXY: '*', no_proxy: '*' }, false), timeout: 120_000, maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(fs.readFileSync(out, 'utf8'));
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}
