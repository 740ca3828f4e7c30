import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

const NOT_BUILT = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>FlowGenie</title></head>
  <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
    <h1>FlowGenie</h1>
    <p>The web app is not built yet. Build it with <code>npm run build -w @flowgenie/web</code>
    (<code>npm start</code> builds it when <code>web/</code> exists), then reload this page.</p>
    <p>The API is up: see <a href="/api/docs">the API docs</a> and <a href="/readyz">readiness</a>.</p>
  </body>
</html>
`;

/**
 * Serves the built SPA from `distDir`: hashed files under `assets/` are cached for a year, every
 * other GET that wants HTML gets index.html (client-side routes). Checked per request, so a
 * build made while the gateway runs is picked up without a restart.
 */
export function spaRouter(distDir: string): Router {
  const router = express.Router();
  const indexFile = path.join(distDir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
      fallthrough: true,
    }),
  );
  router.use(
    express.static(distDir, {
      index: false,
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (!req.accepts('html') || path.extname(req.path)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    if (fs.existsSync(indexFile)) {
      res.sendFile(indexFile);
      return;
    }
    res.type('html').send(NOT_BUILT);
  });
  return router;
}
