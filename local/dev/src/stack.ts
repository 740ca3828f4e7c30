import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Agent, fetch } from 'undici';
import { ensureDatabase } from '@flowgenie/platform';
import { FAKE_DEFAULTS } from '@flowgenie/local-fakes';
import {
  checkoutSettings,
  ensureInternalTokenFile,
  INTERNAL_TOKEN_FILE,
  SECRETS_KEY_FILE,
} from './checkout';
import { ensureDevCerts, type DevCerts } from './certs';
import { startFakeProviders, type FakeProvidersOptions, type RunningFakes } from './fakes';
import { isPortOpen, overLocalSocket } from './infra';
import { CERTS_DIR, DATA_DIR, LOG_DIR, REPO_ROOT } from './paths';
import { ManagedProcess, type ProcessExit } from './processes';
import { BUILD_ENTRIES, DIST_DIR, ensureBuilt } from './build';

/** The processes of the local stack, in start order. */
export const STACK_PROCESSES = [
  'auth',
  'workflow-catalog',
  'trigger',
  'execution',
  'executor',
  'gateway',
] as const;
/** The one process of the one-process mode (local/dev/src/one-process.ts). */
export const ONE_PROCESS = 'flowgenie' as const;
export type StackProcessName = (typeof STACK_PROCESSES)[number] | typeof ONE_PROCESS;

/**
 * `one`: every service, the executor and the gateway in one Node process (`npm start`'s default,
 * least memory); `split`: one process each, as on AWS (a process can be killed on its own).
 */
export type StackMode = 'one' | 'split';

/** The processes a stack of this mode runs. */
export function stackProcesses(mode: StackMode): readonly StackProcessName[] {
  return mode === 'one' ? [ONE_PROCESS] : STACK_PROCESSES;
}

/** `FLOWGENIE_PROCESSES` (or another variable) as a mode; `fallback` when unset. */
export function stackModeOf(value: string | undefined, fallback: StackMode): StackMode {
  if (value === undefined || value === '') return fallback;
  if (value === 'one' || value === 'split') return value;
  throw new Error(`unknown process mode "${value}": one of one, split`);
}

export interface StackPorts {
  auth: number;
  catalog: number;
  trigger: number;
  execution: number;
  executor: number;
  gateway: number;
}

export const DEFAULT_PORTS: StackPorts = {
  auth: 3001,
  catalog: 3002,
  trigger: 3003,
  execution: 3004,
  executor: 3005,
  gateway: 8443,
};
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Database schema of each service (its migrations run when it boots). */
const SCHEMAS: Record<string, string> = {
  auth: 'auth',
  'workflow-catalog': 'workflow_catalog',
  trigger: 'trigger',
  execution: 'execution',
};

export interface StartStackOptions {
  /** Ports to listen on (default 3001-3005 and 8443). `0` is not allowed: pass free ports. */
  ports?: Partial<StackPorts>;
  /** @default this checkout's own database, `flowgenie_<checkout id>` (see checkoutSettings) */
  databaseUrl?: string;
  redisUrl?: string;
  /** Prefix of every Redis key (tests use a fresh one). @default `fg-<checkout id>` */
  redisPrefix?: string;
  /** Extra environment for every process, applied last (e.g. HTTP_ALLOW_LOOPBACK). */
  env?: Record<string, string | undefined>;
  /** Extra environment of one process, over `env` (e.g. each consumer's EVENTS_QUEUE_URL). */
  processEnv?: Partial<Record<StackProcessName, Record<string, string | undefined>>>;
  /** Where each process's JSON log goes (`<logDir>/<name>.log`). @default .data/logs */
  logDir?: string;
  /** Local state (auth's key file). @default .data */
  dataDir?: string;
  certsDir?: string;
  /** Print nothing (tests). */
  quiet?: boolean;
  /** Pretty-print every process's log to the terminal. */
  pretty?: boolean;
  /** Progress messages (default: console.log unless quiet). */
  onProgress?: (message: string) => void;
  /** How long each process may take to become ready. @default 60 s */
  readyTimeoutMs?: number;
  /**
   * Run the local fake Google and Slack and point every service at them (`FAKE_PROVIDERS=1 npm
   * start`, the browser journey): client ids, secrets and base URLs come from the fakes and win
   * over any set in the environment. `true` uses the default ports (3101, 3102).
   */
  fakeProviders?: boolean | FakeProvidersOptions;
  /** Extra Node options per process (e.g. `--cpu-prof` for the bench's profiles). */
  nodeArgs?: Partial<Record<StackProcessName, string[]>>;
  /** One Node process for everything, or one per service (see StackMode). @default 'split' */
  processes?: StackMode;
  /**
   * `built`: the bundles in dist/ (built first when stale); `tsx`: the TypeScript entries through
   * the tsx loader (FLOWGENIE_RUNTIME=tsx; slower to start, more memory; for comparisons).
   * @default 'built'
   */
  runtime?: 'built' | 'tsx';
}

export interface StackUrls {
  /** The public origin (https://localhost:<gateway port>). */
  gateway: string;
  /** The services' own origins: HTTPS in the split mode, plain HTTP on loopback in the one-process mode. */
  auth: string;
  catalog: string;
  trigger: string;
  execution: string;
  executor: string;
}

export interface RunningStack {
  mode: StackMode;
  urls: StackUrls;
  certs: DevCerts;
  logDir: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  /** The fake providers, when started with `fakeProviders`. */
  fakes?: RunningFakes;
  /** The internal service token file every service was given (INTERNAL_SERVICE_TOKEN_FILE). */
  internalTokenFile: string;
  /** Applied migrations per schema, counted after every service was ready. */
  migrations: Record<string, number | null>;
  /** The operating-system pid of each running process (for CPU and memory figures). */
  pids(): Partial<Record<StackProcessName, number>>;
  /** Resolves when a process exits without being asked to (the stack is then broken). */
  unexpectedExit: Promise<ProcessExit>;
  /** SIGTERM to every process (in-flight requests and steps finish), then waits for all. */
  stop(): Promise<void>;
}

export class StackStartError extends Error {
  constructor(
    message: string,
    readonly exit?: ProcessExit,
  ) {
    super(message);
  }
}

/** Free TCP ports on 127.0.0.1 (for tests that run a stack beside the default one). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * Starts the whole local platform from its built JavaScript (`dist/`, rebuilt first when a source
 * changed): in the split mode the four services, the executor and the gateway as child processes,
 * each over HTTPS with the dev certificates; in the one-process mode all of them in one child
 * process, TLS at the gateway only. Waits until each process answers `/readyz` (the gateway's
 * asks every service). The start command, the bench and the end-to-end tests all start the stack
 * through this function.
 *
 * Needs Postgres and Redis already answering (see ensureInfrastructure).
 *
 * @example
 * const stack = await startStack({ ports, databaseUrl: db.url, redisPrefix: 'e2e-1', quiet: true });
 * await fetch(`${stack.urls.gateway}/healthz`, { dispatcher });
 * await stack.stop();
 */
export async function startStack(options: StartStackOptions = {}): Promise<RunningStack> {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...options.ports };
  const checkout = checkoutSettings({});
  const databaseUrl = options.databaseUrl ?? checkout.databaseUrl;
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const redisPrefix = options.redisPrefix ?? checkout.redisPrefix;
  const logDir = options.logDir ?? LOG_DIR;
  const dataDir = options.dataDir ?? DATA_DIR;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const progress =
    options.onProgress ?? (options.quiet ? () => undefined : (m: string) => console.log(m));

  const fakeOptions: FakeProvidersOptions | undefined =
    options.fakeProviders === true ? {} : options.fakeProviders || undefined;
  const busy = [];
  const wanted: [string, number][] = Object.entries(ports);
  if (fakeOptions) {
    wanted.push(['fake Google', fakeOptions.googlePort ?? FAKE_DEFAULTS.googlePort]);
    wanted.push(['fake Slack', fakeOptions.slackPort ?? FAKE_DEFAULTS.slackPort]);
  }
  for (const [name, port] of wanted) {
    if (port === 0) continue;
    if (await isPortOpen('127.0.0.1', port, 500)) busy.push(`${name} ${port}`);
  }
  if (busy.length) {
    throw new StackStartError(
      `ports already in use (${busy.join(', ')}): is FlowGenie already running? Stop it, or choose other ports.`,
    );
  }

  const mode = options.processes ?? 'split';
  const runtime = options.runtime ?? 'built';
  if (runtime === 'built' && (await ensureBuilt()) === 'built')
    progress('built the processes into dist/ (esbuild)');
  const certs = await ensureDevCerts(options.certsDir ?? CERTS_DIR);
  if (certs.created)
    progress(`created dev certificates in ${path.relative(REPO_ROOT, certs.dir) || certs.dir}`);
  await ensureDatabase(databaseUrl);
  fs.mkdirSync(logDir, { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const local = (port: number) => `https://127.0.0.1:${port}`;
  const service = (port: number) =>
    mode === 'one' ? `http://127.0.0.1:${port}` : `https://127.0.0.1:${port}`;
  const urls: StackUrls = {
    gateway: `https://localhost:${ports.gateway}`,
    auth: service(ports.auth),
    catalog: service(ports.catalog),
    trigger: service(ports.trigger),
    execution: service(ports.execution),
    executor: service(ports.executor),
  };

  const internalTokenFile =
    process.env.INTERNAL_SERVICE_TOKEN_FILE ?? path.join(dataDir, INTERNAL_TOKEN_FILE);
  if (!process.env.INTERNAL_SERVICE_TOKEN && ensureInternalTokenFile(internalTokenFile)) {
    progress(`created the internal service token ${path.relative(REPO_ROOT, internalTokenFile)}`);
  }
  const fakes = fakeOptions
    ? await startFakeProviders({ ...fakeOptions, publicBaseUrl: urls.gateway, certs })
    : undefined;
  if (fakes) {
    progress(
      `✓ FAKE Google ${fakes.google.url} and FAKE Slack ${fakes.slack.url} started: the services use them, not the real providers`,
    );
  }

  const common: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'production' : 'development',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    // The services connect through the local Unix socket when there is one (the stack's own
    // checks, ensureDatabase and countMigrations, use the URL as given).
    DATABASE_URL: overLocalSocket(databaseUrl),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
    TLS_CERT_FILE: certs.cert,
    TLS_KEY_FILE: certs.key,
    NODE_EXTRA_CA_CERTS: certs.caCert,
    AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json`,
    CATALOG_INTERNAL_URL: urls.catalog,
    EXECUTION_INTERNAL_URL: urls.execution,
    AUTH_INTERNAL_URL: urls.auth,
    INTERNAL_SERVICE_TOKEN_FILE: internalTokenFile,
    PUBLIC_BASE_URL: urls.gateway,
    DATA_DIR: dataDir,
    // Beside auth's key file, so a checkout's keys and its database always go together.
    SECRETS_KEY_FILE: process.env.SECRETS_KEY_FILE ?? path.join(dataDir, SECRETS_KEY_FILE),
    HTTP_CA_FILE: certs.caCert,
    EXECUTOR_METRICS_PORT: String(ports.executor),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // glibc raises its mmap threshold after large blocks are freed, so the next 10 MB webhook
    // bodies land in the heap arena, which keeps the memory: pinned, RSS returns to its baseline
    // after large payloads (docs/BENCHMARKS.md, "a stream of 10 MB webhooks").
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
    ...fakes?.env,
  };
  // Never let a shell's PORT or a parent's NODE_OPTIONS (e.g. a debugger) leak into every child.
  delete common.PORT;
  delete common.NODE_OPTIONS;
  const overrides = Object.fromEntries(
    Object.entries(options.env ?? {}).filter(([, v]) => v !== undefined),
  ) as NodeJS.ProcessEnv;

  const gatewayEnv = {
    AUTH_URL: urls.auth,
    CATALOG_URL: urls.catalog,
    TRIGGER_URL: urls.trigger,
    EXECUTION_URL: urls.execution,
    EXECUTOR_URL: urls.executor,
    UPSTREAM_CA_FILE: certs.caCert,
    WEB_DIST_DIR: path.join(REPO_ROOT, 'web', 'dist'),
  };
  const specs: Record<StackProcessName, { port: number; env?: NodeJS.ProcessEnv }> = {
    auth: { port: ports.auth },
    'workflow-catalog': { port: ports.catalog },
    trigger: { port: ports.trigger },
    execution: { port: ports.execution },
    executor: { port: ports.executor },
    gateway: { port: ports.gateway, env: gatewayEnv },
    // Its services listen where the split mode's would, plain HTTP on loopback (one-process.ts).
    [ONE_PROCESS]: {
      port: ports.gateway,
      env: {
        ...gatewayEnv,
        AUTH_PORT: String(ports.auth),
        CATALOG_PORT: String(ports.catalog),
        TRIGGER_PORT: String(ports.trigger),
        EXECUTION_PORT: String(ports.execution),
      },
    },
  };

  const output = {
    pretty: options.pretty ?? false,
    quiet: options.quiet ?? false,
    write: (t: string) => process.stdout.write(t),
  };
  const processes = new Map<StackProcessName, ManagedProcess>();
  const make = (name: StackProcessName) => {
    const spec = specs[name];
    const own = Object.fromEntries(
      Object.entries(options.processEnv?.[name] ?? {}).filter(([, v]) => v !== undefined),
    ) as NodeJS.ProcessEnv;
    const env = { ...common, PORT: String(spec.port), ...spec.env, ...overrides, ...own };
    const proc = new ManagedProcess(
      name,
      runtime === 'built'
        ? path.join(DIST_DIR, `${name satisfies keyof typeof BUILD_ENTRIES}.js`)
        : path.join(REPO_ROOT, BUILD_ENTRIES[name]),
      env,
      logDir,
      output,
      options.nodeArgs?.[name],
    );
    processes.set(name, proc);
    return proc;
  };

  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(certs.caCert) } });
  let stopping = false;
  let reportExit: (e: ProcessExit) => void = () => undefined;
  const unexpectedExit = new Promise<ProcessExit>((resolve) => (reportExit = resolve));

  // If this process exits without stop() (an uncaught error), do not leave the children behind.
  const killAll = () => processes.forEach((p) => p.killNow());
  process.once('exit', killAll);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.removeListener('exit', killAll);
    const running = [...processes.values()];
    // All at once: each finishes its in-flight requests / steps on SIGTERM.
    await Promise.all(running.map((p) => p.stop()));
    await dispatcher.close().catch(() => undefined);
    await fakes?.close().catch(() => undefined);
  };
  const onExit = (proc: ManagedProcess) =>
    proc.waitForExit().then((exit) => {
      if (!stopping && !proc.isStopping) reportExit(exit);
    });

  const launch = async (names: StackProcessName[]) => {
    for (const name of names) {
      const proc = make(name);
      proc.start();
      void onExit(proc);
    }
    await Promise.all(
      names.map((name) =>
        waitReady(
          processes.get(name)!,
          `${local(specs[name].port)}/readyz`,
          dispatcher,
          readyTimeoutMs,
        ),
      ),
    );
    for (const name of names) progress(`✓ ${name} ready on ${local(specs[name].port)}`);
  };

  try {
    progress('starting services (each runs its migrations at boot)…');
    if (mode === 'one') {
      // Its gateway's /readyz answers 200 once every service in it is ready.
      await launch([ONE_PROCESS]);
    } else {
      // Services first (distinct schemas, so their migrations run side by side); the executor
      // shares the execution schema, so it starts once the execution service has migrated it.
      await launch(['auth', 'workflow-catalog', 'trigger', 'execution']);
      await launch(['executor']);
      await launch(['gateway']);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const migrations = await countMigrations(databaseUrl).catch(() => ({}));
  return {
    mode,
    urls,
    certs,
    logDir,
    databaseUrl,
    redisUrl,
    redisPrefix,
    migrations,
    fakes,
    internalTokenFile,
    unexpectedExit,
    stop,
    pids: () => {
      const pids: Partial<Record<StackProcessName, number>> = {};
      for (const [name, proc] of processes) if (proc.pid && !proc.exited) pids[name] = proc.pid;
      return pids;
    },
  };
}

/** Polls `/readyz` until 200; fails at once (with its last log lines) if the process exits. */
async function waitReady(
  proc: ManagedProcess,
  url: string,
  dispatcher: Agent,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const exit = proc.exited;
    if (exit) {
      throw new StackStartError(
        `${proc.name} exited during start (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}); its log: ${proc.logFile}`,
        exit,
      );
    }
    try {
      const res = await fetch(url, { dispatcher, signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.status === 200) return;
      last = `${res.status} ${body.slice(0, 300)}`;
    } catch (err) {
      last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new StackStartError(
        `${proc.name} was not ready within ${timeoutMs / 1000} s (${url}: ${last}); its log: ${proc.logFile}`,
        {
          name: proc.name,
          code: null,
          signal: null,
          lastLines: proc.lastLines(),
        },
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** How many migrations each service's schema has applied (null: no migration table). */
async function countMigrations(databaseUrl: string): Promise<Record<string, number | null>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result: Record<string, number | null> = {};
    for (const [service, schema] of Object.entries(SCHEMAS)) {
      try {
        const r = await client.query(`select count(*)::int as n from "${schema}".kysely_migration`);
        result[service] = (r.rows[0] as { n: number }).n;
      } catch {
        result[service] = null;
      }
    }
    return result;
  } finally {
    await client.end();
  }
}
