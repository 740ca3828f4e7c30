import fs from 'node:fs';
import path from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { REPO_ROOT } from './paths';

/** Where the built process entries go (gitignored). */
export const DIST_DIR = path.join(REPO_ROOT, 'dist');

/**
 * Every process entry, bundled into `dist/<name>.js`. `expression-worker` is not a process: the
 * expression isolates (shared/workflow) start it as a worker thread from the bundle's folder.
 */
export const BUILD_ENTRIES = {
  auth: 'services/auth/src/main.ts',
  'workflow-catalog': 'services/workflow-catalog/src/main.ts',
  trigger: 'services/trigger/src/main.ts',
  execution: 'services/execution/src/main.ts',
  executor: 'services/execution/src/main.worker.ts',
  gateway: 'local/gateway/src/main.ts',
  flowgenie: 'local/dev/src/one-process.ts',
  start: 'local/dev/src/start.ts',
  'expression-worker': 'shared/workflow/src/isolated/expression-worker.ts',
} as const;
export type BuildEntry = keyof typeof BUILD_ENTRIES;

/**
 * Left to Node's `require` at run time: native addons (argon2; pg-native is optional and absent),
 * esbuild (the isolates' fallback compiles with it), and packages that find their own files
 * next to them (pino's transport worker, swagger-ui's assets).
 */
const EXTERNAL = [
  'argon2',
  'pg-native',
  'esbuild',
  'pino',
  'pino-pretty',
  'thread-stream',
  'swagger-ui-dist',
];

const META_FILE = path.join(DIST_DIR, '.build-meta.json');
const LOCK_FILE = path.join(DIST_DIR, '.build.lock');

interface BuildMeta {
  builtAt: number;
  inputs: string[];
  entries: string[];
}

/**
 * Our sources locate files relative to their own folder (`__dirname`: the repository's `.data`,
 * `web/dist`). Bundled, `__dirname` would be `dist/`, so it is replaced by the source file's own
 * folder. Only our files: packages that need their folder are external.
 */
const sourceDirname: Plugin = {
  name: 'source-dirname',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes('__dirname')) return { contents: text, loader: 'ts' };
      return {
        contents: text.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path))),
        loader: 'ts',
      };
    });
  },
};

/** True when `dist/` holds every entry, built after the last change to any file it was built from. */
export function isBuildFresh(): boolean {
  let meta: BuildMeta;
  try {
    meta = JSON.parse(fs.readFileSync(META_FILE, 'utf8')) as BuildMeta;
  } catch {
    return false;
  }
  const wanted = Object.keys(BUILD_ENTRIES);
  if (wanted.some((e) => !meta.entries.includes(e))) return false;
  if (wanted.some((e) => !fs.existsSync(path.join(DIST_DIR, `${e}.js`)))) return false;
  const watched = [...meta.inputs, 'package-lock.json'];
  return watched.every((input) => {
    const stat = fs.statSync(path.join(REPO_ROOT, input), { throwIfNoEntry: false });
    return stat !== undefined && stat.mtimeMs < meta.builtAt;
  });
}

/**
 * Bundles every process entry into `dist/` with esbuild (a second or two), unless the last build
 * is still fresh. Files are written next to their final name and renamed, so a process starting
 * from `dist/` never reads half a file; a lock keeps concurrent callers (parallel test files) from
 * building at the same time.
 *
 * @example
 * await ensureBuilt(); // then: node dist/auth.js
 */
export async function ensureBuilt(
  opts: { force?: boolean; log?: (m: string) => void } = {},
): Promise<'fresh' | 'built'> {
  fs.mkdirSync(DIST_DIR, { recursive: true });
  if (!opts.force && isBuildFresh()) return 'fresh';
  const release = await acquireLock();
  try {
    if (!opts.force && isBuildFresh()) return 'fresh';
    const started = Date.now();
    const result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: Object.fromEntries(
        Object.entries(BUILD_ENTRIES).map(([name, file]) => [name, path.join(REPO_ROOT, file)]),
      ),
      outdir: DIST_DIR,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // No source maps: the bundle is readable (each module keeps its path in a comment).
      external: EXTERNAL,
      plugins: [sourceDirname],
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    for (const file of result.outputFiles) {
      const tmp = `${file.path}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, file.contents);
      fs.renameSync(tmp, file.path);
    }
    writeMeta(result.metafile, started);
    opts.log?.(`built ${Object.keys(BUILD_ENTRIES).length} entries in ${Date.now() - started} ms`);
    return 'built';
  } finally {
    release();
  }
}

function writeMeta(metafile: Metafile, startedAt: number): void {
  const meta: BuildMeta = {
    // The start of the build: a file saved while it ran makes the next call build again.
    builtAt: startedAt,
    inputs: Object.keys(metafile.inputs).filter((i) => !i.includes('node_modules/')),
    entries: Object.keys(BUILD_ENTRIES),
  };
  fs.writeFileSync(META_FILE, JSON.stringify(meta));
}

async function acquireLock(): Promise<() => void> {
  // Another process is building: on a loaded 2-core machine that can take a minute or two.
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(LOCK_FILE, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(LOCK_FILE, { encoding: 'utf8', flag: 'a+' }));
    if (!holder || !isAlive(holder)) {
      fs.rmSync(LOCK_FILE, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`dist/ is locked by process ${holder}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
