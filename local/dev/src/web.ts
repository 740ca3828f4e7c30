import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths';

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (
        entry.name === 'node_modules' ||
        entry.name === 'dist' ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(entry.name)
      )
        continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

export type WebBuildResult = 'no-web' | 'up-to-date' | 'built' | 'failed';

/**
 * Builds the SPA (`npm run build -w @flowgenie/web`) when web/ exists and web/dist is missing or
 * older than its sources. Skips quietly when there is no web/ package.
 */
export async function ensureWebBuilt(opts: {
  logFile: string;
  log: (m: string) => void;
  root?: string;
}): Promise<WebBuildResult> {
  const root = opts.root ?? REPO_ROOT;
  const web = path.join(root, 'web');
  if (!fs.existsSync(path.join(web, 'package.json'))) return 'no-web';
  const builtIndex = path.join(web, 'dist', 'index.html');
  const builtAt = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(path.join(web, 'src')),
    newestMtime(path.join(web, 'public')),
    ...['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) => {
      const p = path.join(web, f);
      return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0;
    }),
  );
  if (builtAt > 0 && builtAt >= sourcesAt) return 'up-to-date';
  opts.log(builtAt ? 'web sources changed; building the web app…' : 'building the web app…');
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'w');
  try {
    const code = await new Promise<number | null>((resolve) => {
      // flock: two processes (the start command, test suites) never write web/dist at once. The
      // one that waited checks again under the lock: the other may have built these sources
      // already, and building again would empty dist/ under a server already using it.
      const fresh = `const f=${JSON.stringify(builtIndex)};process.exit(require('fs').existsSync(f)&&require('fs').statSync(f).mtimeMs>=${sourcesAt}?0:1)`;
      const child = spawn(
        'flock',
        [
          path.join(os.tmpdir(), 'flowgenie-web-build.lock'),
          'sh',
          '-c',
          'node -e "$1" || npm run build -w @flowgenie/web',
          'sh',
          fresh,
        ],
        {
          cwd: root,
          stdio: ['ignore', out, out],
        },
      );
      child.on('close', resolve);
      child.on('error', () => resolve(-1));
    });
    return code === 0 ? 'built' : 'failed';
  } finally {
    fs.closeSync(out);
  }
}
