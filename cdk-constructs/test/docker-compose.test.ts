import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { BUILD_ENTRIES, type BuildEntry } from '../../local/dev/src/build';

// docker-compose.yml is validated by a real Compose CLI (`config` needs no Docker daemon):
// the Debian `docker-compose` package, or the v2 plugin as `docker compose` where that is what
// the machine has. scripts/ensure-docker-compose.sh installs one.
const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '..', '..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');

const noCompose = new Error(
  'No Compose CLI: neither `docker-compose` nor `docker compose` runs. Install one with ' +
    '`bash scripts/ensure-docker-compose.sh` (apt-get install docker-compose).',
);

/** Runs `docker-compose <args>` on the repository's file, or `docker compose` where only v2 exists. */
async function compose(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const options = { cwd: repoRoot, timeout: 60_000 };
  try {
    return await run('docker-compose', ['-f', composeFile, ...args], options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // Without the v2 plugin, `docker compose` is an unknown command (and `-f` an unknown flag).
  const hasPlugin = await run('docker', ['compose', 'version'], options).then(
    () => true,
    () => false,
  );
  if (!hasPlugin) throw noCompose;
  return run('docker', ['compose', '-f', composeFile, ...args], options);
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: unknown[];
  volumes?: Array<string | { source?: string; target?: string }>;
}

const platform = ['auth', 'workflow-catalog', 'trigger', 'execution', 'executor', 'gateway'];
const entryPoints: Record<string, string> = {
  auth: 'dist/auth.js',
  'workflow-catalog': 'dist/workflow-catalog.js',
  trigger: 'dist/trigger.js',
  execution: 'dist/execution.js',
  executor: 'dist/executor.js',
  gateway: 'dist/gateway.js',
};

let services: Record<string, Service>;
let quiet: { stdout: string; stderr: string };

beforeAll(async () => {
  // The Python docker-compose takes seconds to start: run both commands once, side by side.
  const [check, normalized] = await Promise.all([compose(['config', '-q']), compose(['config'])]);
  quiet = check;
  // The normalized file, with anchors, merges and ${VAR:-default}s resolved, as compose sees it.
  services = (parseYaml(normalized.stdout) as { services: Record<string, Service> }).services;
}, 120_000);

describe('docker-compose.yml', () => {
  it('is valid for `docker-compose config -q`', () => {
    // compose exits non-zero on an invalid file, which fails beforeAll with compose's message.
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).not.toMatch(/error|invalid|warn/i);
  });

  it('runs Postgres 15 and Redis 7 with healthchecks', () => {
    expect(services.postgres.image).toMatch(/^postgres:15(\b|-)/);
    expect(services.redis.image).toMatch(/^redis:7(\b|-)/);
    expect(services.postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(services.redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
  });

  it('builds every platform process from the root Dockerfile and runs its own entry point', () => {
    expect(fs.existsSync(path.join(repoRoot, 'Dockerfile'))).toBe(true);
    for (const name of platform) {
      const s = services[name];
      expect({ name, build: s.build }).toEqual({
        name,
        build: expect.objectContaining({
          context: repoRoot,
          dockerfile: 'Dockerfile',
          target: 'runtime',
        }),
      });
      expect({ name, command: s.command }).toEqual({ name, command: [entryPoints[name]] });
    }
    // The image builds dist/ and its entry point runs the command's built JavaScript with node.
    const dockerfile = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN node --import tsx local\/dev\/src\/build-cli\.ts/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node"\]$/m);
    for (const entry of Object.values(entryPoints)) {
      expect({ entry, built: BUILD_ENTRIES[path.basename(entry, '.js') as BuildEntry] }).toEqual({
        entry,
        built: expect.stringMatching(/\.ts$/),
      });
    }
  });

  it('gives every platform process the database, Redis, JWKS and log settings', () => {
    for (const name of platform) {
      const env = services[name].environment ?? {};
      expect({ name, vars: Object.keys(env) }).toEqual({
        name,
        vars: expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'AUTH_JWKS_URL', 'LOG_LEVEL']),
      });
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.AUTH_JWKS_URL).toMatch(/^https?:\/\/auth:3001\//);
    }
    const ports = platform
      .filter((n) => n !== 'executor')
      .map((n) => services[n].environment?.PORT);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('gives the services one data folder, so the key files and the internal token are the same for all', () => {
    const mountOf = (name: string) =>
      (services[name].volumes ?? [])
        .map((v) => (typeof v === 'string' ? v.replace(/:rw$/, '') : `${v.source}:${v.target}`))
        .find((v) => v.endsWith(':/app/.data'));
    const mounts = ['auth', 'workflow-catalog', 'trigger', 'execution', 'executor'].map(mountOf);
    expect(mounts[0]).toMatch(/^[\w-]+:\/app\/\.data$/);
    expect(new Set(mounts)).toEqual(new Set([mounts[0]]));
    for (const name of ['workflow-catalog', 'trigger', 'executor']) {
      expect({ name, url: services[name].environment?.AUTH_INTERNAL_URL }).toEqual({
        name,
        url: 'http://auth:3001',
      });
    }
  });

  it("points the catalog at the execution service's internal address (last runs of the workflows list)", () => {
    const catalog = services['workflow-catalog'].environment ?? {};
    const execution = services.execution.environment ?? {};
    expect(catalog.EXECUTION_INTERNAL_URL).toBe(`http://execution:${execution.PORT}`);
  });

  it('starts a process only once what it depends on is healthy', () => {
    for (const name of platform) {
      const deps = services[name].depends_on ?? {};
      expect({ name, deps: Object.keys(deps).length > 0 }).toEqual({ name, deps: true });
      for (const [dep, { condition }] of Object.entries(deps)) {
        expect({ name, dep, condition }).toEqual({ name, dep, condition: 'service_healthy' });
        // A service_healthy condition on a service without a healthcheck would never be met.
        expect({ dep, healthcheck: Boolean(services[dep].healthcheck) }).toEqual({
          dep,
          healthcheck: true,
        });
      }
    }
    for (const name of ['auth', 'workflow-catalog', 'trigger', 'execution', 'executor']) {
      expect(Object.keys(services[name].depends_on ?? {})).toEqual(
        expect.arrayContaining(['postgres', 'redis']),
      );
    }
    expect(Object.keys(services.gateway.depends_on ?? {}).sort()).toEqual(
      ['auth', 'execution', 'trigger', 'workflow-catalog'].sort(),
    );
  });
});
