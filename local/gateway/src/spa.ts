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

const IMMUTABLE = 'public, max-age=31536000, immutable';
const ENCODINGS = [
  { token: 'br', ext: '.br' },
  { token: 'gzip', ext: '.gz' },
] as const;

/** The encodings the client accepts (q > 0), from an Accept-Encoding header. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (token && (!q || Number(q.slice(2)) > 0)) accepted.add(token);
  }
  return accepted;
}

/**
 * Sends `distDir/relPath`, or its precompressed `.br` / `.gz` sibling (written by the web build)
 * when the client accepts it, with Content-Encoding and `Vary: Accept-Encoding`. Calls `next()`
 * when the file does not exist.
 */
function sendBuilt(
  distDir: string,
  relPath: string,
  cacheControl: string,
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    next();
    return;
  }
  const file = path.resolve(distDir, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(path.resolve(distDir) + path.sep) || !isFile(file)) {
    next();
    return;
  }
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Cache-Control', cacheControl);
  const accepted = acceptedEncodings(req.get('accept-encoding'));
  const encoding = ENCODINGS.find((e) => accepted.has(e.token) && isFile(file + e.ext));
  if (encoding) {
    res.type(path.extname(file));
    res.setHeader('Content-Encoding', encoding.token);
  }
  res.sendFile(
    encoding ? file + encoding.ext : file,
    { cacheControl: false, dotfiles: 'deny' },
    (err) => {
      if (err && !res.headersSent) next(err);
    },
  );
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built SPA from `distDir`: hashed files under `assets/` are cached for a year
 * (`immutable`), everything else (index.html, favicon) is `no-cache`; every GET that wants HTML
 * and names no file gets index.html (client-side routes). Precompressed `.br`/`.gz` files from
 * the build are sent when the client accepts them. Source maps (`*.map`) are never served. Checked
 * per request, so a build made while the gateway runs is picked up without a restart.
 */
export function spaRouter(distDir: string): Router {
  const router = express.Router();
  const indexFile = path.join(distDir, 'index.html');
  router.get(/\.map$/i, (_req, _res, next) => next('router'));
  router.get(/.*/, (req, res, next) => {
    const immutable = req.path.startsWith('/assets/');
    if (!path.extname(req.path)) {
      next();
      return;
    }
    sendBuilt(distDir, req.path, immutable ? IMMUTABLE : 'no-cache', req, res, next);
  });
  router.get(/.*/, (req, res, next) => {
    if (!req.accepts('html') || path.extname(req.path)) {
      next();
      return;
    }
    if (fs.existsSync(indexFile)) {
      sendBuilt(distDir, 'index.html', 'no-cache', req, res, next);
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(NOT_BUILT);
  });
  return router;
}
