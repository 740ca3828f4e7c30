import { randomBytes, randomUUID } from 'node:crypto';
import type { PlatformEvent, WorkflowGraph } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import { LocalEventPublisher } from '@flowgenie/messaging/local';
import {
  createDb,
  createLogger,
  createRedis,
  sql,
  type Redis,
  type RunningServer,
} from '@flowgenie/platform';
import {
  createTestDatabase,
  createTestTokens,
  deleteRedisKeys,
  testRedisPrefix,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_REDIS_URL,
  waitFor,
  type TestDatabase,
  type TestTokens,
} from '@flowgenie/testing';
import type { Kysely } from 'kysely';
import { compose as composeTrigger } from '../../services/trigger/src/compose';
import { loadTriggerConfig } from '../../services/trigger/src/config';
import { compose as composeExecution } from '../../services/execution/src/compose';
import { composeWorker } from '../../services/execution/src/compose-worker';
import { loadConfig as loadExecutionConfig } from '../../services/execution/src/config';
import { compose as composeCatalog } from '../../services/workflow-catalog/src/compose';
import { loadCatalogConfig } from '../../services/workflow-catalog/src/config';

/**
 * Webhooks of several megabytes through the trigger service, the bus and the executor, all
 * in this process on one database and Redis prefix: the payload is stored once (claim check),
 * Redis holds references only, and the steps still read the whole payload.
 */
jest.setTimeout(180_000);

const MB = 1024 * 1024;
const logger = createLogger({ service: 'claim-check-test', level: 'silent' });

type Triggered = PlatformEvent<'workflow.triggered'>;
type Json = Record<string, unknown>;

/** A JSON body of about `mb` MiB: 50 items whose last one is `item-49`. */
function largeBody(marker: number, mb: number) {
  const text = 'x'.repeat(Math.floor((mb * MB) / 50));
  return { marker, items: Array.from({ length: 50 }, (_, k) => ({ id: `item-${k}`, text })) };
}

/** webhook → transform reading fields of the payload (→ respond, in respond_node mode). */
function graph(responseMode: 'immediately' | 'respond_node'): WorkflowGraph {
  const nodes: WorkflowGraph['nodes'] = [
    {
      id: 'hook',
      type: 'webhook',
      position: { x: 0, y: 0 },
      config: { method: 'POST', responseMode },
    },
    {
      id: 'sum',
      type: 'transform',
      position: { x: 200, y: 0 },
      config: {
        expression:
          '{{ { "count": $count(trigger.body.items), "last": trigger.body.items[-1].id, "marker": trigger.body.marker, "fromStep": steps.hook.body.marker, "length": $length(trigger.body.items[0].text) } }}',
      },
    },
  ];
  const edges: WorkflowGraph['edges'] = [
    { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'sum' },
  ];
  if (responseMode === 'respond_node') {
    nodes.push({
      id: 'answer',
      type: 'respond_to_webhook',
      position: { x: 400, y: 0 },
      config: { status: 201, body: '{{ steps.sum }}' },
    });
    edges.push({ id: 'e2', source: 'sum', sourceHandle: 'main', target: 'answer' });
  }
  return { nodes, edges };
}

/** A graph of about 100 KB: a respond step (no caller waits) with a long constant body. */
function bigGraph(): WorkflowGraph {
  const g = graph('immediately');
  g.nodes.push({
    id: 'pad',
    type: 'respond_to_webhook',
    position: { x: 400, y: 0 },
    config: { status: 200, body: { pad: 'y'.repeat(100_000) } },
  });
  g.edges.push({ id: 'e2', source: 'sum', sourceHandle: 'main', target: 'pad' });
  return g;
}

/** Bytes Redis uses for every key of the prefix, by key. */
async function redisFootprint(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = (await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) as number | null;
      sizes.set(key, bytes ?? 0);
    }
  } while (cursor !== '0');
  return sizes;
}

const total = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0);
const largest = (sizes: Map<string, number>) => Math.max(0, ...sizes.values());

describe('large webhook payloads travel by reference (claim check)', () => {
  let database: TestDatabase;
  let prefix: string;
  let redis: Redis;
  let db: Kysely<unknown>;
  let tokens: TestTokens;
  let owner: { userId: string; token: string };
  let trigger: Awaited<ReturnType<typeof composeTrigger>>;
  let triggerUrl: string;
  let execution: Awaited<ReturnType<typeof composeExecution>> | undefined;
  let executionServer: RunningServer | undefined;
  let executor: Awaited<ReturnType<typeof composeWorker>> | undefined;
  let catalog: Awaited<ReturnType<typeof composeCatalog>> | undefined;
  let env: Record<string, string>;
  const hooks: Record<'async' | 'sync' | 'bigGraph', string> = {
    async: '',
    sync: '',
    bigGraph: '',
  };

  beforeAll(async () => {
    database = await createTestDatabase('claimcheck');
    prefix = testRedisPrefix('claimcheck');
    tokens = await createTestTokens();
    owner = await tokens.userToken();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      EXECUTOR_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      HOOK_BODY_LIMIT_BYTES: String(10 * MB),
      PAYLOAD_INLINE_MAX_BYTES: String(64 * 1024),
    };
    redis = createRedis(TEST_REDIS_URL);
    db = createDb<unknown>({ url: database.url, schema: 'public' });
    trigger = await composeTrigger(loadTriggerConfig(env), { logger, keySet: tokens.keySet });
    triggerUrl = (await trigger.start()).url;

    // The catalog's part: activate two workflows and wait until the trigger service applied them.
    const bus = new LocalEventPublisher({ connection: redis, prefix });
    for (const mode of ['async', 'sync', 'bigGraph'] as const) {
      const hookId = randomBytes(16).toString('hex');
      const event = createEvent(
        'workflow.activated',
        {
          workflowId: randomUUID(),
          ownerId: owner.userId,
          version: 1,
          name: `large ${mode}`,
          hookId,
          graph:
            mode === 'bigGraph'
              ? bigGraph()
              : graph(mode === 'async' ? 'immediately' : 'respond_node'),
        },
        { source: 'workflow-catalog' },
      );
      await bus.publish([event]);
      await waitFor(
        () =>
          trigger.db
            .selectFrom('inbox')
            .select('event_id')
            .where('event_id', '=', event.id)
            .executeTakeFirst(),
        { message: `workflow ${mode} activated` },
      );
      hooks[mode] = `${triggerUrl}/hooks/${hookId}`;
    }
    await bus.close();
  });

  afterAll(async () => {
    await catalog?.stop();
    await executor?.stop();
    await executionServer?.close();
    await execution?.stop();
    await trigger?.stop();
    await deleteRedisKeys(redis, prefix);
    await redis.quit();
    await db.destroy();
    await database.drop();
  });

  const startExecution = async () => {
    if (execution) return;
    const config = loadExecutionConfig(env);
    execution = await composeExecution(config, { logger, keySet: tokens.keySet, streamPollMs: 20 });
    executionServer = await execution.start();
    // Its metrics server on a free port: the e2e stack may hold the default one.
    executor = await composeWorker({ ...config, EXECUTOR_METRICS_PORT: 0 }, { logger });
    await executor.start();
  };

  const post = (url: string, body: unknown) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const triggeredEvents = async (): Promise<(Triggered & { publishedAt: Date | null })[]> => {
    const rows = await trigger.db
      .selectFrom('outbox')
      .select(['envelope', 'published_at'])
      .where('type', '=', 'workflow.triggered')
      .execute();
    return rows.map((r) => ({ ...(r.envelope as Triggered), publishedAt: r.published_at }));
  };

  const stepOutput = async (executionId: string, nodeId: string) => {
    const { rows } = await sql<{ output: Json | null; status: string; error: unknown }>`
      select output, status, error from execution.steps
      where execution_id = ${executionId} and node_id = ${nodeId}`.execute(db);
    return rows[0];
  };

  /** The step once it succeeded; a failure ends the wait at once, with the step's error. */
  const succeededStep = async (executionId: string, nodeId: string) => {
    const step = await stepOutput(executionId, nodeId);
    if (step?.status === 'failed')
      throw new Error(`${nodeId} failed: ${JSON.stringify(step.error)}`);
    return step?.status === 'succeeded' ? step : undefined;
  };

  it('stores a burst of 5 MB webhooks once: Redis holds references only, the steps see every field', async () => {
    // Act: ten 5 MB calls at once while no execution service consumes the events, so every
    // workflow.triggered waits in its Redis queue.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(hooks.async, largeBody(i, 5))),
    );
    const ids: string[] = [];
    for (const res of answers) {
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { executionId: string }).executionId);
    }
    expect(Date.now() - started).toBeLessThan(60_000);

    // Assess: each event is published to the bus, carrying a reference of the payload's size.
    const events = await waitFor(
      async () => {
        const all = (await triggeredEvents()).filter((e) => ids.includes(e.data.executionId));
        return all.length === 10 && all.every((e) => e.publishedAt) ? all : undefined;
      },
      { message: 'ten workflow.triggered events published', timeoutMs: 30_000 },
    );
    for (const e of events) {
      expect(e.data.payload).toBeUndefined();
      expect(e.data.payloadRef).toEqual({
        key: `triggered/${e.data.executionId}`,
        bytes: expect.any(Number),
      });
      expect(e.data.payloadRef!.bytes).toBeGreaterThan(5 * MB);
    }
    // The ten queued events (and everything else of this deployment) take a few KB of Redis,
    // not 50 MB.
    const queued = await redisFootprint(redis, prefix);
    expect(total(queued)).toBeLessThan(512 * 1024);
    expect(largest(queued)).toBeLessThan(64 * 1024);
    // The payload is stored once, durably, before the 202.
    const { rows: stored } = await sql<{ key: string; bytes: number }>`
      select key, bytes from payloads.payloads order by key`.execute(db);
    expect(stored.map((r) => r.key).sort()).toEqual(ids.map((id) => `triggered/${id}`).sort());

    // Act: the execution service and an executor start and work through the backlog.
    await startExecution();

    // Assess: every execution succeeded and its transform read fields deep in the payload,
    // through `trigger` and through the trigger step's output.
    for (const [i, id] of ids.entries()) {
      const sum = await waitFor(() => succeededStep(id, 'sum'), {
        message: `execution ${i} finished its transform`,
        timeoutMs: 90_000,
      });
      expect(sum.output).toEqual({
        count: 50,
        last: 'item-49',
        marker: i,
        fromStep: i,
        length: Math.floor((5 * MB) / 50),
      });
    }
    // No copy of the payload in the execution's rows: the row keeps the reference.
    const { rows: copies } = await sql<{
      payload: number | null;
      ref: number | null;
      hook: number | null;
    }>`
      select pg_column_size(e.trigger_payload) as payload, pg_column_size(e.trigger_payload_ref) as ref,
             pg_column_size(s.output) as hook
      from execution.executions e join execution.steps s on s.execution_id = e.id and s.node_id = 'hook'
      where e.id = any(${ids})`.execute(db);
    expect(copies).toHaveLength(10);
    for (const c of copies) {
      // JSON null (a few bytes) where main stored 5 MB twice per execution.
      expect(c.payload ?? 0).toBeLessThan(50);
      expect(c.hook ?? 0).toBeLessThan(50);
      expect(c.ref).toBeLessThan(200);
    }
    const after = await redisFootprint(redis, prefix);
    expect(largest(after)).toBeLessThan(64 * 1024);
  });

  it('answers a synchronous 5 MB webhook from its respond step, and the API shows the whole payload', async () => {
    await startExecution();
    // Act
    const res = await post(hooks.sync, largeBody(77, 5));

    // Assess
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      count: 50,
      last: 'item-49',
      marker: 77,
      fromStep: 77,
      length: Math.floor((5 * MB) / 50),
    });
    const executionId = res.headers.get('x-flowgenie-execution-id');
    expect(executionId).toBeTruthy();
    const detail = (await (
      await fetch(`${executionServer!.url}/executions/${executionId}`, {
        headers: { authorization: `Bearer ${owner.token}` },
      })
    ).json()) as {
      triggerPayload: { body: { marker: number } };
      steps: { nodeId: string; output: Json }[];
    };
    expect(detail.triggerPayload.body.marker).toBe(77);
    const hookStep = detail.steps.find((s) => s.nodeId === 'hook');
    expect((hookStep?.output as { body: { items: unknown[] } }).body.items).toHaveLength(50);
  });

  it('keeps a small payload inline: no stored copy, no reference', async () => {
    await startExecution();
    // Act
    const res = await post(hooks.async, { marker: 5, items: [{ id: 'item-0', text: 'hi' }] });

    // Assess
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await waitFor(
      async () => (await triggeredEvents()).find((e) => e.data.executionId === executionId),
      { message: 'the small workflow.triggered' },
    );
    expect(event.data.payloadRef).toBeUndefined();
    expect(event.data.payload).toMatchObject({ body: { marker: 5 } });
    const sum = await waitFor(() => succeededStep(executionId, 'sum'), {
      message: 'small execution finished',
    });
    expect(sum.output).toMatchObject({ count: 1, last: 'item-0', marker: 5, fromStep: 5 });
    const { rows } = await sql<{ key: string }>`
      select key from payloads.payloads where key = ${`triggered/${executionId}`}`.execute(db);
    expect(rows).toEqual([]);
  });

  it('sends a graph too large for the bus by reference, and the execution runs it', async () => {
    await startExecution();
    // Act
    const res = await post(hooks.bigGraph, { marker: 9 });

    // Assess
    expect(res.status).toBe(202);
    const { executionId } = (await res.json()) as { executionId: string };
    const event = await waitFor(
      async () => (await triggeredEvents()).find((e) => e.data.executionId === executionId),
      { message: 'the big-graph workflow.triggered' },
    );
    expect(event.data.graph).toBeUndefined();
    expect(event.data.graphRef?.bytes).toBeGreaterThan(100_000);
    expect(event.data.payload).toMatchObject({ body: { marker: 9 } });
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(16 * 1024);
    const pad = await waitFor(() => succeededStep(executionId, 'pad'), {
      message: 'big-graph execution finished',
    });
    expect((pad.output as { body: { pad: string } }).body.pad).toHaveLength(100_000);
    expect((await stepOutput(executionId, 'sum')).output).toMatchObject({ marker: 9, count: 0 });
  });

  it('stores nothing for a repeated Idempotency-Key: the duplicate answers with the first execution', async () => {
    await startExecution();
    const count = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from payloads.payloads`.execute(db))
        .rows[0].n;
    const key = `dup-${randomUUID()}`;
    const send = () =>
      fetch(hooks.async, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(largeBody(3, 1)),
      });
    const before = await count();

    // Act
    const first = (await (await send()).json()) as { executionId: string };
    const again = await send();

    // Assess
    expect(((await again.json()) as { executionId: string }).executionId).toBe(first.executionId);
    expect(await count()).toBe(before + 1);
  });

  it('fails a step for good, with a clear error, when its stored payload has expired; the API still answers', async () => {
    await startExecution();
    const executionId = randomUUID();
    const key = `triggered/${executionId}`;
    const bus = new LocalEventPublisher({ connection: redis, prefix });
    // Act: an event whose stored payload is gone (expired, or deleted by hand).
    await bus.publish([
      createEvent(
        'workflow.triggered',
        {
          executionId,
          workflowId: randomUUID(),
          ownerId: owner.userId,
          version: 1,
          mode: 'webhook',
          triggerNodeId: 'hook',
          idempotencyKey: `expired-${executionId}`,
          payloadRef: { key, bytes: 123_456 },
          graph: graph('immediately'),
          triggeredAt: new Date().toISOString(),
        },
        { source: 'trigger' },
      ),
    ]);
    await bus.close();

    // Assess
    const sum = await waitFor(
      async () => {
        const { rows } = await sql<{ status: string; error: Json | null }>`
          select status, error from execution.steps
          where execution_id = ${executionId} and node_id = 'sum'`.execute(db);
        return rows[0]?.status === 'failed' ? rows[0] : undefined;
      },
      { message: 'the step failed' },
    );
    expect(sum.error).toMatchObject({ code: 'payload_expired' });
    expect(String(sum.error?.message)).toContain(key);
    const res = await fetch(`${executionServer!.url}/executions/${executionId}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as { status: string; triggerPayload: unknown };
    expect(detail).toMatchObject({ status: 'failed', triggerPayload: null });
  });

  it('activates through the catalog a graph too large for the bus: the trigger reads it by reference and its webhook runs', async () => {
    await startExecution();
    catalog = await composeCatalog(
      // Nothing answers there: the catalog's answers show the last run as unknown at once.
      loadCatalogConfig({ ...env, EXECUTION_INTERNAL_URL: 'http://127.0.0.1:9' }),
      { logger, keySet: tokens.keySet },
    );
    const catalogUrl = (await catalog.start()).url;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${catalogUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    // About 300 KB of graph: a webhook answered by a step whose constant body is the bulk.
    const big = graph('respond_node');
    (big.nodes.find((n) => n.id === 'answer')!.config as Json).body = {
      pad: 'z'.repeat(300_000),
    };

    // Act: create, publish and activate it as the builder does.
    const created = await call('POST', '/workflows', { name: 'big graph', graph: big });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('POST', `/workflows/${id}/publish`)).status).toBe(201);
    expect((await call('POST', `/workflows/${id}/activate`, {})).status).toBe(200);

    // Assess: workflow.activated went out small, with the graph's reference...
    const { rows } = await sql<{ envelope: { id: string; data: Json } }>`
      select envelope from workflow_catalog.outbox where type = 'workflow.activated'
      and envelope->'data'->>'workflowId' = ${id}`.execute(db);
    expect(rows).toHaveLength(1);
    const activated = rows[0].envelope;
    expect(activated.data.graph).toBeUndefined();
    expect((activated.data.graphRef as { bytes: number }).bytes).toBeGreaterThan(300_000);
    expect(Buffer.byteLength(JSON.stringify(activated))).toBeLessThan(2048);
    // ...the trigger service applied it with the whole graph...
    await waitFor(
      () =>
        trigger.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', activated.id)
          .executeTakeFirst(),
      { message: 'workflow.activated applied by the trigger service' },
    );
    // ...and its webhook runs every step, the large answer included.
    const res = await post(`${triggerUrl}${created.body.hookPath as string}`, { marker: 4 });
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { pad: string };
    expect(answer.pad).toHaveLength(300_000);
  });
});
