import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Agent, request } from 'undici';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '@flowgenie/testing';
import { ensureInfrastructure } from './infra';
import { CERTS_DIR, DATA_DIR } from './paths';
import { deleteRedisPrefix } from './checkout';
import {
  DEFAULT_REDIS_URL,
  freePorts,
  stackModeOf,
  stackProcesses,
  startStack,
  type RunningStack,
  type StackProcessName,
} from './stack';
import { summariseProfiles } from './bench/cpuprofile';
import { runN8nPeer } from './bench/peer';
import {
  comparisonTable,
  cpuTable,
  postgresKindTable,
  fmt,
  memoryTable,
  percentile,
  type CpuRow,
  type FlowGenieCellSummary,
} from './bench/report';
import { cpuUsage, POSTGRES, REDIS, ResourceMeter } from './bench/resources';
import { clockTicksPerSecond } from './bench/proc';
import { runScheduleCell, scheduleTable, waitForScheduleExecutions } from './bench/schedules';
import { largePayloadTables, runLargePayloadCell } from './bench/large-payloads';
import { REPO_ROOT } from './paths';

/**
 * `npm run bench`: webhook -> transform (total = a + b) -> if (total > 10) -> respond, in both
 * response modes, at concurrency 1, 10 and 50 for BENCH_SECONDS each. Prints progress, then
 * markdown tables: the cells, CPU ms per execution per process, memory, and (BENCH_PEER=n8n) the
 * same cells for n8n with the ratios. Starts its own stack (fresh database, free ports) unless
 * BENCH_URL is given (then BENCH_CA_FILE, default certs/ca.pem, is trusted, and only Postgres and
 * Redis CPU can be attributed). See docs/BENCHMARKS.md.
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * Seconds of unreported load (concurrency 10) on a workflow of each mode before its cells, then
 * drained: as ../shared/peers/n8n-bench.sh warms n8n (WARMUP, 5 s), so both systems are measured
 * with warm pools, caches and JIT. 0: none.
 */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 5);
/** Seconds of unreported load on each cell's own workflow at the cell's concurrency, then drained. */
const CELL_WARMUP_SECONDS = Number(process.env.BENCH_CELL_WARMUP ?? 2);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,10,50').split(',').map(Number);
const ALL_MODES = ['immediately', 'respond_node'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES: Mode[] = process.env.BENCH_MODES
  ? process.env.BENCH_MODES.split(',').map((m) => {
      if (!(ALL_MODES as readonly string[]).includes(m)) {
        throw new Error(`BENCH_MODES: unknown mode "${m}" (one of ${ALL_MODES.join(', ')})`);
      }
      return m as Mode;
    })
  : [...ALL_MODES];
const PEER = process.env.BENCH_PEER;
const PEER_SCRIPT = path.resolve(
  REPO_ROOT,
  process.env.BENCH_PEER_SCRIPT ?? '../shared/peers/n8n-bench.sh',
);
/** BENCH_SCHEDULES=N: the schedules cell (N schedules due in the same second). */
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 0);
/** BENCH_LARGE_PAYLOADS=1: the large-payload cell (a stream of ~10 MB webhooks). */
const LARGE_PAYLOADS = process.env.BENCH_LARGE_PAYLOADS === '1';
/** The webhook cells run unless only a special cell was asked for (BENCH_MODES brings them back). */
const WEBHOOK_CELLS = (SCHEDULES === 0 && !LARGE_PAYLOADS) || !!process.env.BENCH_MODES;
/** 10 MB, the most HOOK_BODY_LIMIT_BYTES allows: the large-payload cell needs it. */
const TEN_MB = 10 * 1024 * 1024;
/** BENCH_PROCESSES=one|split: the stack's process mode (default `one`, as `npm start`). */
const PROCESS_MODE = stackModeOf(process.env.BENCH_PROCESSES, 'one');
/** BENCH_RUNTIME=tsx: run the TypeScript sources through tsx instead of the bundles (comparisons). */
const RUNTIME = process.env.BENCH_RUNTIME === 'tsx' ? 'tsx' : 'built';
const PROCESSES = stackProcesses(PROCESS_MODE);
/** BENCH_CPU_PROF=1: `node --cpu-prof` for these processes (BENCH_CPU_PROF_PROCESSES). */
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';
const CPU_PROF_PROCESSES = (
  process.env.BENCH_CPU_PROF_PROCESSES ??
  (PROCESS_MODE === 'one' ? 'flowgenie' : 'execution,executor')
)
  .split(',')
  .map((n) => {
    if (!(PROCESSES as readonly string[]).includes(n)) {
      throw new Error(
        `BENCH_CPU_PROF_PROCESSES: unknown process "${n}" (one of ${PROCESSES.join(', ')})`,
      );
    }
    return n as StackProcessName;
  });

interface Cell {
  mode: Mode;
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  acknowledged: Set<string>;
  ackCount: number;
  recorded?: number;
  succeeded?: number;
  failed?: number;
  unfinished?: number;
  stepMsMean?: number;
  overheadPerStepMs?: number;
  /** Mean execution duration (started → finished) over the sample. */
  executionMsMean?: number;
  /** Executions running at once on average (Little's law: total execution time / load seconds). */
  inFlightMean?: number;
  /** From the end of the load until every acknowledged execution finished. */
  drainMs?: number;
  /** Acknowledged executions not finished at the end of the load (the first poll after it). */
  backlog?: number;
}

const log = (m: string) => process.stderr.write(`${m}\n`);

class Api {
  token = '';
  constructor(
    readonly base: string,
    readonly dispatcher: Agent,
  ) {}

  async call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
    const res = await request(`${this.base}${p}`, {
      method,
      dispatcher: this.dispatcher,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    const parsed =
      text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
    return { status: res.statusCode, body: parsed as T, headers: res.headers };
  }

  async must<T = unknown>(method: 'GET' | 'POST' | 'PUT', p: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, p, body);
    if (res.status >= 300)
      throw new Error(`${method} ${p} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

/** The webhook node: its step is stamped succeeded (0 ms) when the execution is created; no executor runs it. */
const TRIGGER_NODE = 'hook';

function benchGraph(mode: Mode) {
  const node = (id: string, type: string, config: Record<string, unknown>, x: number) => ({
    id,
    type,
    config,
    position: { x, y: 0 },
  });
  return {
    nodes: [
      node(TRIGGER_NODE, 'webhook', { responseMode: mode }, 0),
      node(
        'sum',
        'transform',
        { expression: '{{ { "total": trigger.body.a + trigger.body.b } }}' },
        240,
      ),
      node('big', 'if', { condition: '{{ steps.sum.total > 10 }}' }, 480),
      // The catalog refuses a respond step behind an immediate webhook: a transform stands in for it.
      mode === 'respond_node'
        ? node('reply', 'respond_to_webhook', { status: 200, body: '{{ steps.sum }}' }, 720)
        : node('reply', 'transform', { expression: '{{ steps.sum }}' }, 720),
    ],
    edges: [
      { id: 'e1', source: TRIGGER_NODE, sourceHandle: 'main', target: 'sum' },
      { id: 'e2', source: 'sum', sourceHandle: 'main', target: 'big' },
      { id: 'e3', source: 'big', sourceHandle: 'true', target: 'reply' },
    ],
  };
}

async function activeHook(
  api: Api,
  mode: Mode,
  concurrency: number,
): Promise<{ id: string; hookPath: string }> {
  return activeWorkflow(api, `bench ${mode} c${concurrency}`, benchGraph(mode));
}

/** Creates, publishes and activates a webhook workflow; resolves once its hook answers. */
async function activeWorkflow(
  api: Api,
  name: string,
  graph: unknown,
): Promise<{ id: string; hookPath: string }> {
  const wf = await api.must<{ id: string; hookPath: string }>('POST', '/api/workflows', {
    name,
    graph,
  });
  await api.must('POST', `/api/workflows/${wf.id}/publish`);
  await api.must('POST', `/api/workflows/${wf.id}/activate`, {});
  const deadline = Date.now() + 20_000;
  // Registered once a GET (not the hook's method) stops answering 404.
  while ((await api.call('GET', wf.hookPath)).status === 404) {
    if (Date.now() > deadline) throw new Error('hook was not registered within 20 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return wf;
}

async function load(
  api: Api,
  hookPath: string,
  mode: Mode,
  concurrency: number,
  seconds = SECONDS,
): Promise<Cell> {
  const cell: Cell = {
    mode,
    concurrency,
    requests: 0,
    errors: 0,
    seconds,
    latencies: [],
    acknowledged: new Set(),
    ackCount: 0,
  };
  const started = Date.now();
  const end = started + seconds * 1000;
  const progress = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000;
    const sorted = [...cell.latencies].sort((a, b) => a - b);
    log(
      `  [${mode} c=${concurrency}] ${elapsed.toFixed(0)}s: ${cell.requests} requests, ${(cell.requests / elapsed).toFixed(0)} req/s, ` +
        `p95 ${percentile(sorted, 95)?.toFixed(1)} ms, errors ${cell.errors}`,
    );
  }, 2000);
  const worker = async () => {
    while (Date.now() < end) {
      const a = Math.floor(Math.random() * 10);
      const b = Math.floor(Math.random() * 10);
      const t0 = performance.now();
      try {
        const res = await api.call('POST', hookPath, { a, b });
        cell.latencies.push(performance.now() - t0);
        cell.requests += 1;
        const ok = mode === 'immediately' ? res.status === 202 : res.status === 200;
        if (!ok) {
          cell.errors += 1;
          continue;
        }
        cell.ackCount += 1;
        const id =
          (res.body as { executionId?: string })?.executionId ??
          (res.headers['x-flowgenie-execution-id'] as string | undefined);
        if (id) cell.acknowledged.add(id);
      } catch {
        cell.requests += 1;
        cell.errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(progress);
  cell.seconds = (Date.now() - started) / 1000;
  return cell;
}

interface ExecutionItem {
  id: string;
  status: string;
  durationMs: number | null;
}

async function allExecutions(api: Api, workflowId: string): Promise<ExecutionItem[]> {
  const items: ExecutionItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: ExecutionItem[]; nextCursor: string | null } = await api.must(
      'GET',
      `/api/executions?workflowId=${workflowId}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Polls `count` every `pollMs` until every acknowledged execution of the cell is recorded and
 * finished, or none finishes for 15 s. Sets the cell's backlog (unfinished at the first poll).
 */
async function untilDrained(
  cell: Cell,
  pollMs: number,
  count: () => Promise<{ total: number; finished: number }>,
): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { total, finished } = await count();
    cell.backlog ??= Math.max(total, cell.ackCount) - finished;
    if (total >= cell.ackCount && finished === total) return;
    if (finished !== last) {
      last = finished;
      lastChange = Date.now();
      log(
        `  [${cell.mode} c=${cell.concurrency}] waiting for executions: ${finished}/${Math.max(total, cell.ackCount)} finished`,
      );
    } else if (Date.now() - lastChange > 15_000) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Waits for the cell's executions as the API lists them (see {@link untilDrained}); returns them. */
async function settle(
  api: Api,
  workflowId: string,
  cell: Cell,
  /** Executions of this workflow that are not the cell's (its warm-up). */
  before: ReadonlySet<string> = new Set(),
): Promise<ExecutionItem[]> {
  let items: ExecutionItem[] = [];
  await untilDrained(cell, 1000, async () => {
    items = (await allExecutions(api, workflowId)).filter((e) => !before.has(e.id));
    const finished = items.filter((e) => ['succeeded', 'failed', 'canceled'].includes(e.status));
    return { total: items.length, finished: finished.length };
  });
  return items;
}

/**
 * Waits for the cell's executions counting them in the stack's database (see
 * {@link untilDrained}): one small query a poll, where listing them through the API (pages of
 * 100, as `settle` does) would put the bench's own reads into the CPU measured for the executions.
 */
async function drainedInDatabase(
  databaseUrl: string,
  workflowId: string,
  cell: Cell,
  /** Executions of this workflow that are not the cell's (its warm-up, all finished). */
  before: number,
): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await untilDrained(cell, 200, async () => {
      const { rows } = await db.query<{ total: number; finished: number }>(
        `select count(*)::int as total,
           count(*) filter (where status in ('succeeded', 'failed', 'canceled'))::int as finished
         from execution.executions where workflow_id = $1`,
        [workflowId],
      );
      return { total: rows[0].total - before, finished: rows[0].finished - before };
    });
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** Up to `n` items spread evenly over `items` (the list is newest first: its head is the end of the run only). */
function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/**
 * Executor overhead: execution duration minus the time spent inside steps, per step the
 * executor ran (the trigger step is not one), over a sample spread across the run. Also the mean
 * execution duration, and how many executions ran at once: in `immediately` mode the 202 comes
 * before the execution runs, so even at concurrency 1 many executions overlap, and every step
 * then shares the executor (and the machine's CPUs) with the others; durations and "overhead"
 * are then mostly that contention, not per-step cost.
 */
async function overhead(api: Api, items: ExecutionItem[], cell: Cell): Promise<void> {
  const succeeded = items.filter((e) => e.status === 'succeeded');
  const sample = spread(succeeded, 40);
  let stepMs = 0;
  let steps = 0;
  let gapMs = 0;
  let executionMs = 0;
  for (const item of sample) {
    const detail = await api.must<{
      durationMs: number;
      steps: { nodeId: string; status: string; durationMs: number | null }[];
    }>('GET', `/api/executions/${item.id}`);
    const ran = detail.steps.filter(
      (s) => s.nodeId !== TRIGGER_NODE && s.status === 'succeeded' && s.durationMs !== null,
    );
    const inside = ran.reduce((sum, s) => sum + (s.durationMs ?? 0), 0);
    stepMs += inside;
    steps += ran.length;
    gapMs += Math.max(0, detail.durationMs - inside);
    executionMs += detail.durationMs;
  }
  if (steps > 0) {
    cell.stepMsMean = stepMs / steps;
    cell.overheadPerStepMs = gapMs / steps;
  }
  if (sample.length > 0) cell.executionMsMean = executionMs / sample.length;
  const total = succeeded.reduce((sum, e) => sum + (e.durationMs ?? 0), 0);
  if (cell.seconds > 0) cell.inFlightMean = total / 1000 / cell.seconds;
}

function table(cells: Cell[]): string {
  const head =
    '| mode | concurrency | requests | req/s | p50 ms | p95 ms | p99 ms | errors | acknowledged | recorded | lost | succeeded | failed | step ms (mean) | executor overhead / step ms | execution ms (mean) | executions in flight (mean) |';
  const sep = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => ' --- ')
    .join('|')}|`;
  const rows = cells.map((c) => {
    const sorted = [...c.latencies].sort((a, b) => a - b);
    const recordedAcked = c.recorded ?? 0;
    const lost = Math.max(0, c.ackCount - recordedAcked);
    return `| ${c.mode} | ${c.concurrency} | ${c.requests} | ${fmt(c.requests / c.seconds, 0)} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 95))} | ${fmt(percentile(sorted, 99))} | ${c.errors} | ${c.ackCount} | ${c.recorded ?? '–'} | ${lost} | ${c.succeeded ?? '–'} | ${c.failed ?? '–'} | ${fmt(c.stepMsMean)} | ${fmt(c.overheadPerStepMs)} | ${fmt(c.executionMsMean)} | ${fmt(c.inFlightMean)} |`;
  });
  return [head, sep, ...rows].join('\n');
}

async function main(): Promise<void> {
  if (PEER && PEER !== 'n8n') throw new Error(`BENCH_PEER: unknown peer "${PEER}" (only n8n)`);
  if ((SCHEDULES > 0 || LARGE_PAYLOADS) && process.env.BENCH_URL)
    throw new Error(
      'BENCH_SCHEDULES and BENCH_LARGE_PAYLOADS need the bench to start its own stack',
    );
  let stack: RunningStack | undefined;
  let db: TestDatabase | undefined;
  let startupMs: number | undefined;
  let base = process.env.BENCH_URL;
  let caFile = process.env.BENCH_CA_FILE ?? path.join(CERTS_DIR, 'ca.pem');
  let profileDir: string | undefined;
  let ours: FlowGenieCellSummary[] = [];
  const pidNames: Record<number, string> = {};
  try {
    if (!base) {
      await ensureInfrastructure({
        databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
        redisUrl: DEFAULT_REDIS_URL,
        log,
      });
      log('starting a stack for the benchmark (fresh database, free ports)…');
      db = await createTestDatabase('bench');
      const [auth, catalog, trigger, execution, executor, gateway] = await freePorts(6);
      const prefix = testRedisPrefix('bench');
      if (CPU_PROF) profileDir = path.join(DATA_DIR, 'bench', prefix, 'cpu-prof');
      const startedAt = Date.now();
      stack = await startStack({
        processes: PROCESS_MODE,
        runtime: RUNTIME,
        ports: { auth, catalog, trigger, execution, executor, gateway },
        databaseUrl: db.url,
        redisPrefix: prefix,
        logDir: path.join(DATA_DIR, 'bench', prefix, 'logs'),
        dataDir: path.join(DATA_DIR, 'bench', prefix, 'data'),
        onProgress: (m) => log(`  ${m}`),
        // The benchmark measures executions, not the abuse guards: its own stack lifts the webhook
        // rate limits (against BENCH_URL, start that stack with them raised too).
        env: {
          LOG_LEVEL: 'warn',
          WEBHOOK_RATE_LIMIT_PER_HOOK: '100000000',
          WEBHOOK_RATE_LIMIT_PER_IP: '100000000',
          ...(LARGE_PAYLOADS ? { HOOK_BODY_LIMIT_BYTES: String(TEN_MB) } : {}),
        },
        nodeArgs: profileDir
          ? Object.fromEntries(
              CPU_PROF_PROCESSES.map((n) => [n, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]]),
            )
          : undefined,
      });
      startupMs = Date.now() - startedAt;
      log(`  stack ready in ${(startupMs / 1000).toFixed(1)} s (${PROCESS_MODE}, ${RUNTIME})`);
      base = stack.urls.gateway;
      caFile = stack.certs.caCert;
    }
    ours = await runFlowGenie(base, caFile, stack, startupMs);
  } finally {
    for (const [name, pid] of Object.entries(stack?.pids() ?? {})) pidNames[pid] = name;
    await stack?.stop();
    await db?.drop().catch(() => undefined);
    if (stack) await deleteRedisPrefix(stack.redisUrl, stack.redisPrefix).catch(() => undefined);
  }
  if (profileDir) {
    process.stdout.write(
      `\n### CPU profiles (node --cpu-prof, whole process lifetime incl. start), top self time\n\n${summariseProfiles(profileDir, REPO_ROOT, pidNames)}\nProfiles: ${path.relative(REPO_ROOT, profileDir)}\n`,
    );
  }
  if (PEER === 'n8n') {
    // After FlowGenie's stack has stopped, so the peer has the machine to itself.
    const peer = await runN8nPeer({
      script: PEER_SCRIPT,
      seconds: SECONDS,
      concurrency: CONCURRENCY,
      log,
    });
    if ('skipped' in peer) {
      process.stdout.write(`\n**n8n peer skipped**: ${peer.skipped}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`\n${peer.summary}\n`);
    process.stdout.write(
      `\n### FlowGenie vs ${peer.version}, same run (sync = respond_node, async = immediately)\n\n` +
        'CPU ms / request: FlowGenie sums every FlowGenie process plus Postgres and Redis per acknowledged execution; n8n its process tree (SQLite runs inside it) per completed request. ' +
        `Idle RSS: n8n ${peer.idleRssMiB ?? '–'} MiB (process tree). "other CPU %": the rest of the machine during the cell; high values mean noisy figures.\n\n`,
    );
    process.stdout.write(`${comparisonTable(peer.version, ours, peer.rows)}\n`);
  }
}

/** The FlowGenie cells against `base`; prints their tables and returns their summary for the peer comparison. */
async function runFlowGenie(
  base: string,
  caFile: string,
  stack: RunningStack | undefined,
  startupMs: number | undefined,
): Promise<FlowGenieCellSummary[]> {
  const dispatcher = new Agent({
    connect: { ca: fs.readFileSync(caFile) },
    connections: 128,
    keepAliveTimeout: 30_000,
  });
  const api = new Api(base, dispatcher);
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const session = await api.must<{ accessToken: string; user: { id: string } }>(
    'POST',
    '/api/auth/signup',
    {
      email,
      password: 'benchmark password 123',
    },
  );
  api.token = session.accessToken;

  const database = stack ? new URL(stack.databaseUrl).pathname.slice(1) : undefined;
  const meter = new ResourceMeter(() => stack?.pids() ?? {}, database);
  const cores = os.availableParallelism();
  const hz = clockTicksPerSecond();
  // Idle: a few seconds after start and sign-up, before any load.
  await new Promise((r) => setTimeout(r, 3000));
  const idleRss = meter.rssMiB();
  const infraIdle = meter.infraRssMiB();
  const peakRss: Record<string, number> = {};
  let peakTotal = 0;
  const infraPeak: Record<string, number> = { ...infraIdle };

  if (stack && SCHEDULES > 0) {
    const r = await runScheduleCell({
      count: SCHEDULES,
      spreadSeconds: Number(process.env.BENCH_SCHEDULES_SPREAD ?? 1),
      // Registration runs at a few hundred a second: leave it time before the due second.
      leadSeconds: Number(process.env.BENCH_SCHEDULES_LEAD ?? Math.ceil(20 + SCHEDULES / 50)),
      timeoutSeconds: Number(process.env.BENCH_SCHEDULES_TIMEOUT ?? 120),
      ownerId: session.user.id,
      databaseUrl: stack.databaseUrl,
      redisUrl: stack.redisUrl,
      redisPrefix: stack.redisPrefix,
      meter,
      hz,
      cores,
      log,
    });
    process.stdout.write(
      `\n## Schedules (${new Date().toISOString()}): ${SCHEDULES} active schedules due in ${r.spreadSeconds === 1 ? 'the same second' : `${r.spreadSeconds} seconds`}\n\n` +
        "Each workflow: schedule (daily 6-field cron, UTC) -> transform, activated through the trigger service's consumer (workflow.activated on the bus, as the catalog emits it). " +
        "Fired by the trigger's schedule path (BullMQ job schedulers and its schedule worker). Lateness: when a poll every 100 ms first saw the committed firing row (durable, with its workflow.triggered event in the outbox) minus the planned time in its key, so up to ~100 ms above the commit. " +
        '"planned → execution recorded": the execution service\'s creation time of each execution minus the planned time, for the executions recorded by 3 s after the last firing (the executions themselves then run at the executor\'s pace).\n\n' +
        `${scheduleTable(r, [...PROCESSES, POSTGRES, REDIS])}\n`,
    );
    // The webhook cells of the same command start once the schedules' executions are done.
    if (WEBHOOK_CELLS)
      await waitForScheduleExecutions({
        databaseUrl: stack.databaseUrl,
        ownerId: session.user.id,
        fired: r.fired,
        timeoutSeconds: 300,
        log,
      });
  }
  if (stack && LARGE_PAYLOADS) {
    api.token = (
      await api.must<{ accessToken: string }>('POST', '/api/auth/login', {
        email,
        password: 'benchmark password 123',
      })
    ).accessToken;
    const r = await runLargePayloadCell({
      seconds: Number(process.env.BENCH_LARGE_PAYLOADS_SECONDS ?? 30),
      concurrency: Number(process.env.BENCH_LARGE_PAYLOADS_CONCURRENCY ?? 2),
      mib: Number(process.env.BENCH_LARGE_PAYLOADS_MIB ?? 9.5),
      afterSeconds: Number(process.env.BENCH_LARGE_PAYLOADS_AFTER ?? 20),
      base,
      dispatcher,
      databaseUrl: stack.databaseUrl,
      activate: (graph) => activeWorkflow(api, 'bench large payloads', graph),
      meter,
      hz,
      cores,
      log,
    });
    process.stdout.write(
      `\n## Large payloads (${new Date().toISOString()}): ~10 MB webhook bodies, webhook (immediately) -> transform reading the body\n\n` +
        `HOOK_BODY_LIMIT_BYTES=${TEN_MB}. CPU: every FlowGenie process, Postgres and Redis from the first call until every acknowledged execution finished. "largest outbox / step row": pg_column_size of the biggest trigger outbox row and execution step row (a copied body would make them ~the body size).\n\n` +
        `${largePayloadTables(r)}\n`,
    );
  }
  if (!WEBHOOK_CELLS) {
    await dispatcher.close();
    return [];
  }
  log(
    `benchmark against ${base}: ${SECONDS}s per cell, concurrency ${CONCURRENCY.join('/')}, modes ${MODES.join('/')}`,
  );
  const cells: Cell[] = [];
  const cpuRows: CpuRow[] = [];
  for (const mode of MODES) {
    if (WARMUP_SECONDS > 0) {
      const wf = await activeWorkflow(api, `bench ${mode} warm-up`, benchGraph(mode));
      log(`${mode}: warming up for ${WARMUP_SECONDS} s at concurrency 10 (not reported)`);
      const warm = await load(api, wf.hookPath, mode, 10, WARMUP_SECONDS);
      await settle(api, wf.id, warm);
      await api.call('POST', `/api/workflows/${wf.id}/deactivate`);
    }
    for (const concurrency of CONCURRENCY) {
      // Access tokens live 15 minutes: a fresh one per cell.
      api.token = (
        await api.must<{ accessToken: string }>('POST', '/api/auth/login', {
          email,
          password: 'benchmark password 123',
        })
      ).accessToken;
      const wf = await activeHook(api, mode, concurrency);
      const warmedUp = new Set<string>();
      if (CELL_WARMUP_SECONDS > 0) {
        // The cell's own workflow at the cell's concurrency, drained: pools, connections and the
        // hook's caches at their size for this load before anything is counted.
        const warm = await load(api, wf.hookPath, mode, concurrency, CELL_WARMUP_SECONDS);
        for (const e of await settle(api, wf.id, warm)) warmedUp.add(e.id);
      }
      log(`${mode}, concurrency ${concurrency}:`);
      // CPU from the first request until the backlog drained (counted in the database), RSS sampled meanwhile.
      const before = meter.snapshot();
      const sampler = meter.sampleRss();
      const cell = await load(api, wf.hookPath, mode, concurrency);
      const loadEnded = Date.now();
      // The bench's own stack: drained as counted in its database, and the executions listed
      // through the API once the CPU is read. Against BENCH_URL: through the API.
      if (stack) await drainedInDatabase(stack.databaseUrl, wf.id, cell, warmedUp.size);
      const listed = stack ? undefined : await settle(api, wf.id, cell, warmedUp);
      cell.drainMs = Date.now() - loadEnded;
      const after = meter.snapshot();
      const rss = sampler.stop();
      const items = listed ?? (await settle(api, wf.id, cell, warmedUp));
      for (const [name, mib] of Object.entries(rss.peak)) {
        peakRss[name] = Math.max(peakRss[name] ?? 0, mib);
      }
      peakTotal = Math.max(peakTotal, rss.peakTotal);
      for (const [name, mib] of Object.entries(meter.infraRssMiB())) {
        infraPeak[name] = Math.max(infraPeak[name] ?? 0, mib);
      }
      cpuRows.push({
        mode,
        concurrency,
        executions: cell.ackCount,
        usage: cpuUsage(before, after, hz, cores),
      });
      const ids = new Set(items.map((e) => e.id));
      // Acknowledged executions found in the API: by id where the answer named one.
      const found = [...cell.acknowledged].filter((id) => ids.has(id)).length;
      const withoutId = cell.ackCount - cell.acknowledged.size;
      cell.recorded = found + Math.min(withoutId, items.length - found);
      cell.succeeded = items.filter((e) => e.status === 'succeeded').length;
      cell.failed = items.filter((e) => e.status === 'failed').length;
      await overhead(api, items, cell);
      await api.call('POST', `/api/workflows/${wf.id}/deactivate`);
      log(
        `  done: ${cell.requests} requests, ${cell.ackCount} acknowledged, ${cell.recorded} recorded`,
      );
      cells.push(cell);
    }
  }
  await dispatcher.close();
  process.stdout.write(
    `\n## FlowGenie benchmark (${new Date().toISOString()}, ${SECONDS}s per cell)\n\n`,
  );
  if (stack) {
    process.stdout.write(
      `Stack: ${stack.mode === 'one' ? 'one process for every service and the gateway' : 'one process per service'} (BENCH_PROCESSES=${stack.mode}), ${RUNTIME === 'built' ? 'built JavaScript (dist/)' : 'TypeScript through tsx'}; ready ${((startupMs ?? 0) / 1000).toFixed(1)} s after the start (build check, migrations and every /readyz).\n\n`,
    );
  }
  process.stdout.write(
    'Workflow: webhook -> transform (total = a + b) -> if (total > 10) -> respond (in immediate mode a final transform, since a respond step is refused there). "acknowledged": 202 (immediately) or 200 (respond_node) answers; ' +
      '"recorded": acknowledged executions found through the executions API once finished; "lost" = acknowledged − recorded. ' +
      'Executor overhead: execution duration minus time inside steps, per executor-run step (the trigger step excluded; sample of up to 40 executions spread over the run). ' +
      '"executions in flight": mean number running at once (total execution time / seconds). In immediately mode the 202 precedes the execution, so the load is open-loop: ' +
      'even at concurrency 1 executions overlap and share the executor and the CPUs, and step time and overhead grow with that contention; in respond_node mode at concurrency 1 at most one runs.\n\n',
  );
  process.stdout.write(`${table(cells)}\n`);

  const processes = [...(stack ? PROCESSES : []), POSTGRES, REDIS];
  process.stdout.write(
    `\n### CPU ms per acknowledged execution, per process (${cores} cores, ${hz} ticks/s)\n\n` +
      'utime+stime from /proc/<pid>/stat before the first request and after the last acknowledged execution finished (the drain included). ' +
      "postgres: the postmaster, background processes and the backends of the stack's own database (other databases' backends left out; against BENCH_URL every `postgres` process); redis: `redis-server`, shared with anything else using it. " +
      '"load generator": this bench process (HTTPS client). "other CPU %": busy CPU of the whole machine (/proc/stat) minus the measured processes and the load generator, as a share of all cores: high values mean noisy figures.' +
      (stack
        ? ''
        : ' Against BENCH_URL the FlowGenie processes are not known: only Postgres and Redis are measured.') +
      '\n\n',
  );
  process.stdout.write(`${cpuTable(cpuRows, processes)}\n`);
  process.stdout.write(
    '\nPostgres by kind of process, CPU ms per acknowledged execution ("backend": the connections, ' +
      'including what a connection opened during the cell spent starting; autovacuum workers of other databases count too):\n\n' +
      `${postgresKindTable(cpuRows)}\n`,
  );
  if (stack) {
    process.stdout.write(
      '\n### Memory (RSS, MiB): idle before the first cell, peak sampled every 0.5 s during the cells\n\n' +
        'Postgres and Redis are shared with the rest of the machine; Postgres counts its shared buffers once per process, so its RSS sum overstates it.\n\n',
    );
    process.stdout.write(
      `${memoryTable(idleRss, peakRss, peakTotal, { idle: infraIdle, peak: infraPeak })}\n`,
    );
  }
  return cells.map((c, i) => {
    const sorted = [...c.latencies].sort((a, b) => a - b);
    const usage = cpuRows[i].usage;
    return {
      variant: c.mode === 'respond_node' ? 'sync' : 'async',
      concurrency: c.concurrency,
      rps: c.requests / c.seconds,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      cpuMsPerExecution: c.ackCount > 0 ? usage.totalMs / c.ackCount : NaN,
      drainMs: c.drainMs ?? NaN,
      backlog: c.backlog ?? 0,
      otherPct: usage.otherPct,
    };
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
