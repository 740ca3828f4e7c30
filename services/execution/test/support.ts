import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import {
  webhookResponsePattern,
  type TriggerMode,
  type WebhookResponseMessage,
  type WorkflowGraph,
} from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { LocalEventPublisher } from '@flowgenie/messaging/local';
import { createDb, createLogger, createRedis, type Logger, type Redis } from '@flowgenie/platform';
import {
  createTestTokens,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_REDIS_URL,
  waitFor,
  type TcpProxy,
} from '@flowgenie/testing';
import { startService } from '@flowgenie/testing/service';
import { executionService, type compose } from '../src/compose';
import { composeWorker } from '../src/compose-worker';
import { loadConfig, SCHEMA, type Config } from '../src/config';
import type { ExecutionDb } from '../src/adapters/persistence/execution.table';

// Response bodies are JSON of many shapes; tests read them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Executor = Awaited<ReturnType<typeof composeWorker>>;

export interface TestExecution {
  url: string;
  /** The API process's Express app (tests list its routes). */
  app: Awaited<ReturnType<typeof compose>>['app'];
  /** The history's retention, when EXECUTIONS_RETENTION_DAYS is set. */
  historyRetention?: Awaited<ReturnType<typeof compose>>['historyRetention'];
  config: Config;
  env: Record<string, string>;
  /** The service's tables (outbox, executions) for assertions. */
  db: Kysely<ExecutionDb>;
  redis: Redis;
  prefix: string;
  /** Webhook-response messages seen on the Redis channels of this prefix. */
  responses: WebhookResponseMessage[];
  executors: Executor[];
  /** Base URL of each executor's metrics endpoint, by start order. */
  metricsUrls: string[];
  /** Starts another executor (a worker process) on the same queue. */
  startExecutor(overrides?: Record<string, string>, logger?: Logger): Promise<Executor>;
  userToken(userId?: string): Promise<{ userId: string; token: string }>;
  call<T = Json>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: T }>;
  /** Publishes a workflow.triggered event to the bus, as the trigger service does. */
  trigger(input: TriggerInput): Promise<{ executionId: string; eventId: string }>;
  publishEvent(event: ReturnType<typeof createEvent>): Promise<void>;
  /** Polls GET /executions/:id until `until` holds. */
  waitForExecution(
    executionId: string,
    token: string,
    until?: (e: Json) => boolean,
    timeoutMs?: number,
  ): Promise<Json>;
  /** This execution's outbox rows, oldest first; `published`: the relay has put it on the bus. */
  outboxOf(executionId: string): Promise<{ type: string; data: Json; published: boolean }[]>;
  close(): Promise<void>;
}

export interface TriggerInput {
  ownerId: string;
  graph: WorkflowGraph;
  payload?: unknown;
  workflowId?: string;
  executionId?: string;
  idempotencyKey?: string;
  eventId?: string;
  mode?: TriggerMode;
  triggerNodeId?: string;
  correlationId?: string;
  /** null: a draft test run (pins apply). @default 1 */
  version?: number | null;
  /** "Run this step" of a draft test run. */
  runNode?: string;
}

/**
 * The execution service as it runs: the API + consumer process and one executor, both on the
 * suite's own database and Redis prefix, with HTTP steps allowed to reach 127.0.0.1.
 */
export async function startExecutionService(
  label: string,
  overrides: Record<string, string> = {},
  opts: {
    executor?: boolean;
    /** Proxies the service's (not the test's) Postgres and Redis connections go through. */
    through?: { db?: TcpProxy; redis?: TcpProxy };
  } = {},
): Promise<TestExecution> {
  const tokens = await createTestTokens();
  const dbProxy = opts.through?.db;
  const serviceEnv: Record<string, string> = {
    REDIS_URL: opts.through?.redis?.urlThrough(TEST_REDIS_URL) ?? TEST_REDIS_URL,
    EXECUTOR_METRICS_PORT: '0',
    HTTP_ALLOW_LOOPBACK: 'true',
    ...overrides,
  };
  const logger = createLogger({
    service: 'execution-test',
    level: serviceEnv.LOG_LEVEL ?? 'silent',
  });
  const running = await startService(executionService, label, {
    env: serviceEnv,
    options: { logger, keySet: tokens.keySet, streamPollMs: 20, streamWaitMs: 3_000 },
    databaseUrl: dbProxy && ((url) => dbProxy.urlThrough(url)),
  });
  const { config, prefix, database } = running;
  // The whole environment, for executors in this process or in one of their own.
  const env: Record<string, string> = {
    DATABASE_URL: config.DATABASE_URL,
    REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_ISSUER: TEST_ISSUER,
    AUTH_AUDIENCE: TEST_AUDIENCE,
    ...serviceEnv,
  };
  const executors: Executor[] = [];
  const metricsUrls: string[] = [];
  const redis = createRedis(TEST_REDIS_URL);
  const subscriber = createRedis(TEST_REDIS_URL);
  const publisher = new LocalEventPublisher({ connection: redis, prefix });
  const db = createDb<ExecutionDb>({ url: database.url, schema: SCHEMA, max: 3 });
  const responses: WebhookResponseMessage[] = [];
  try {
    await subscriber.psubscribe(webhookResponsePattern(prefix));
    subscriber.on('pmessage', (_pattern, _channel, message) => responses.push(JSON.parse(message)));

    const startExecutor = async (more: Record<string, string> = {}, executorLogger?: Logger) => {
      const executor = await composeWorker(loadConfig({ ...env, ...more }), {
        logger: executorLogger ?? createLogger({ service: 'executor-test', level: env.LOG_LEVEL }),
      });
      const metrics = await executor.start();
      executors.push(executor);
      metricsUrls.push(metrics?.url ?? '');
      return executor;
    };
    if (opts.executor !== false) await startExecutor();

    const call: TestExecution['call'] = running.call;

    return {
      url: running.url,
      app: running.host.app,
      historyRetention: running.host.historyRetention,
      config,
      env,
      db,
      redis,
      prefix,
      responses,
      executors,
      metricsUrls,
      startExecutor,
      call,
      userToken: tokens.userToken,
      async trigger(input) {
        const executionId = input.executionId ?? randomUUID();
        const workflowId = input.workflowId ?? randomUUID();
        const event = createEvent(
          'workflow.triggered',
          {
            executionId,
            workflowId,
            ownerId: input.ownerId,
            version: input.version === undefined ? 1 : input.version,
            mode: input.mode ?? 'webhook',
            triggerNodeId: input.triggerNodeId ?? input.graph.nodes[0].id,
            idempotencyKey: input.idempotencyKey ?? `req-${executionId}`,
            payload: input.payload ?? {},
            graph: input.graph,
            triggeredAt: new Date().toISOString(),
            ...(input.runNode ? { runNode: input.runNode } : {}),
          },
          { source: 'trigger', id: input.eventId, correlationId: input.correlationId },
        );
        await publisher.publish([event]);
        return { executionId, eventId: event.id };
      },
      publishEvent: (event) => publisher.publish([event]),
      async waitForExecution(
        executionId,
        token,
        until = (e) => ['succeeded', 'failed', 'canceled'].includes(e.status),
        timeoutMs = 15_000,
      ) {
        return waitFor(
          async () => {
            const res = await call('GET', `/executions/${executionId}`, { token });
            return res.status === 200 && until(res.body) ? res.body : undefined;
          },
          {
            timeoutMs,
            intervalMs: 25,
            message: `execution ${executionId} did not reach the expected state`,
          },
        );
      },
      async outboxOf(executionId) {
        const rows = await db
          .selectFrom('outbox')
          .select(['type', 'envelope', 'published_at'])
          .orderBy('created_at')
          .execute();
        return rows
          .map((r) => ({
            type: r.type,
            data: (r.envelope as Json).data,
            published: r.published_at !== null,
          }))
          .filter((e) => e.data.executionId === executionId);
      },
      async close() {
        for (const executor of executors) await executor.stop();
        await publisher.close();
        await subscriber.quit();
        await db.destroy();
        await redis.quit();
        // Stops the service, deletes the prefix's Redis keys and drops the database.
        await running.close();
      },
    };
  } catch (err) {
    for (const executor of executors) await executor.stop().catch(() => undefined);
    await subscriber.quit().catch(() => undefined);
    await publisher.close().catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await running.close();
    throw err;
  }
}

const REPO = path.resolve(__dirname, '../../..');

export interface SpawnedExecutor {
  child: ChildProcess;
  /** Everything the process printed so far (JSON log lines, and any crash). */
  output(): string;
}

/**
 * An executor in a process of its own (`node --import tsx main.worker.ts`: one process, where
 * the tsx CLI would run the worker in a grandchild that a kill would miss), so it can be killed,
 * or shown to survive.
 */
export async function spawnExecutor(env: Record<string, string>): Promise<SpawnedExecutor> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'services/execution/src/main.worker.ts')],
    {
      cwd: REPO,
      // Debug: tests wait for its per-step lines ("step started"), which are below info.
      env: { ...process.env, ...env, LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`executor exited with ${code}:\n${output}`));
    };
    const timer = setTimeout(() => reject(new Error(`executor did not start:\n${output}`)), 45_000);
    child.once('exit', onExit);
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('executor started')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
  });
  return { child, output: () => output };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP server the HTTP steps call. `respond` decides each answer; requests are recorded.
 * `hold()` makes the next requests wait until `release()`; a `'hang'` answer never comes.
 */
export async function startTestServer(
  respond: (
    req: RecordedRequest,
    n: number,
  ) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang',
) {
  const requests: RecordedRequest[] = [];
  let handler = respond;
  let held: Array<() => void> = [];
  let holding = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const n = requests.length;
      const answer = () => {
        const reply = handler(recorded, n);
        if (reply === 'hang') return; // never answered (until the server closes)
        const { status, body, headers } = reply;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (holding) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    setHandler(next: typeof respond) {
      handler = next;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      const pending = held;
      held = [];
      pending.forEach((answer) => answer());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** webhook → http_request(url) → then `rest` (nodes and edges appended). */
export function httpGraph(
  url: string,
  retry?: Json,
  extra: Partial<WorkflowGraph> = {},
  fetchConfig: Json = { method: 'GET' },
): WorkflowGraph {
  return {
    nodes: [
      {
        id: 'hook',
        type: 'webhook',
        position: { x: 0, y: 0 },
        config: { responseMode: 'respond_node' },
      },
      {
        id: 'fetch',
        type: 'http_request',
        position: { x: 200, y: 0 },
        config: { ...fetchConfig, url },
        ...(retry ? { retry } : {}),
      },
      ...(extra.nodes ?? []),
    ],
    edges: [
      { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'fetch' },
      ...(extra.edges ?? []),
    ],
  };
}

/** The step of `nodeId` in an execution as the API returns it. */
export const stepOf = (execution: Json, nodeId: string) =>
  execution.steps.find((s: Json) => s.nodeId === nodeId);

/** manual → delay(ms) → transform: a run that stays unfinished long enough to act on it. */
export function slowGraph(ms = 60_000): WorkflowGraph {
  return {
    nodes: [
      { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
      { id: 'pause', type: 'delay', position: { x: 0, y: 0 }, config: { ms } },
      {
        id: 'after',
        type: 'transform',
        position: { x: 0, y: 0 },
        config: { expression: '{{ "done" }}' },
      },
    ],
    edges: [
      { id: 'a', source: 'start', sourceHandle: 'main', target: 'pause' },
      { id: 'b', source: 'pause', sourceHandle: 'main', target: 'after' },
    ],
  };
}

/**
 * Triggers `input` (a workflow id and idempotency key) and waits for its run, then redelivers
 * that event and sends another with the same key: expects both consumed with the first execution
 * the workflow's only one. Returns the first trigger and its finished execution.
 */
export async function expectOneExecutionPerKey(
  svc: TestExecution,
  user: { userId: string; token: string },
  input: TriggerInput & { workflowId: string; idempotencyKey: string },
): Promise<{ first: { executionId: string; eventId: string }; done: Json }> {
  const first = await svc.trigger(input);
  const done = await svc.waitForExecution(first.executionId, user.token);
  await svc.trigger({ ...input, eventId: first.eventId, executionId: first.executionId });
  const other = await svc.trigger(input);
  // Both were consumed (the inbox holds the second event) without a second execution.
  await waitFor(
    async () =>
      (
        await svc.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', other.eventId)
          .execute()
      ).length === 1,
  );
  const list = await svc.call('GET', `/executions?workflowId=${input.workflowId}`, {
    token: user.token,
  });
  expect(list.body.items.map((e: Json) => e.id)).toEqual([first.executionId]);
  expect(
    (await svc.call('GET', `/executions/${other.executionId}`, { token: user.token })).status,
  ).toBe(404);
  return { first, done };
}

/** Collects the `execution` events of an SSE stream until it ends. */
export async function readStream(
  url: string,
  token: string,
): Promise<{ status: number; events: Json[] }> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  const events: Json[] = [];
  if (res.status !== 200 || !res.body) return { status: res.status, events };
  for await (const lines of sseBlocks(res.body)) {
    if (lines.includes('event: execution')) {
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      events.push(JSON.parse(data));
    }
  }
  return { status: res.status, events };
}

/** The lines of each SSE frame (blank-line separated) of a response body, as they arrive. */
export async function* sseBlocks(body: unknown): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      yield block.split('\n');
    }
  }
}

/**
 * Probes an executor's `/healthz` every 50 ms until the returned function is called; it resolves
 * with the slowest answer and every failed probe. A blocked event loop shows as both.
 */
export function watchHealth(
  baseUrl: string,
): () => Promise<{ slowestMs: number; failures: string[] }> {
  let slowestMs = 0;
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.status !== 200) failures.push(`status ${res.status}`);
      } catch (err) {
        failures.push(String(err));
      }
      slowestMs = Math.max(slowestMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { slowestMs, failures };
  };
}

/** webhook → transform (total = a + b) → if (total > 10) → respond: the bench's workflow, every step in memory. */
export function hotPathGraph(): WorkflowGraph {
  const node = (id: string, type: string, x: number, config: Record<string, unknown>) => ({
    id,
    type,
    position: { x, y: 0 },
    config,
  });
  return {
    nodes: [
      node('hook', 'webhook', 0, { responseMode: 'respond_node' }),
      node('sum', 'transform', 200, {
        expression: '{"total": {{ trigger.body.a + trigger.body.b }} }',
      }),
      node('check', 'if', 400, { condition: '{{ steps.sum.total > 10 }}' }),
      node('respond', 'respond_to_webhook', 600, { status: 200, body: '{{ steps.sum }}' }),
    ],
    edges: [
      { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'sum' },
      { id: 'e2', source: 'sum', sourceHandle: 'main', target: 'check' },
      { id: 'e3', source: 'check', sourceHandle: 'true', target: 'respond' },
    ],
  };
}
