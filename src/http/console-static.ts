import path from 'node:path';
import express, { type Express } from 'express';

/**
 * The web console's files (dist/console, built by esbuild; no CDN). index.html is revalidated on
 * every load; the script and stylesheet it names carry their content hash (`?v=`) and are cached
 * for a year; everything is compressed (the compression middleware runs before this). The favicon
 * is answered at /favicon.ico too, where browsers look for it.
 */
export function serveConsole(app: Express, consoleDir: string): void {
  app.use('/favicon.ico', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('image/svg+xml').sendFile(path.join(consoleDir, 'favicon.svg'), (err) => { if (err) next(); });
  });
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (req.path === '/' || req.path === '/index.html') res.setHeader('Cache-Control', 'no-cache');
      else if (typeof req.query.v === 'string' && /^[0-9a-f]{8,64}$/.test(req.query.v)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'public, max-age=300');
    }
    next();
  });
  app.use(express.static(consoleDir, { index: 'index.html', cacheControl: false, fallthrough: true }));
  app.get('/', (_req, res) => {
    res.status(503).type('text/plain').send('The web console is not built: run `npm run build` (npm start does it).');
  });
}
