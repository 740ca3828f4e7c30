import type { PlatformEvent } from '@flowgenie/contracts';
import { LocalEventConsumer } from '@flowgenie/messaging/local';
import { createLogger, sql } from '@flowgenie/platform';
import { waitFor } from '@flowgenie/testing';
import { aWebhookGraph, startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let user: { userId: string; token: string };
let triggerConsumer: LocalEventConsumer;
const received: PlatformEvent[] = [];

beforeAll(async () => {
  catalog = await startCatalog('catalog_events');
  user = await catalog.userToken();
  // Stand in for the trigger service: the consumer of activation events.
  triggerConsumer = new LocalEventConsumer('trigger', {
    connection: catalog.redis,
    prefix: catalog.prefix,
    logger: createLogger({ service: 'trigger-test', level: 'silent' }),
  });
  const collect = async (event: PlatformEvent) => {
    received.push(event);
  };
  await triggerConsumer.start({
    'workflow.activated': collect,
    'workflow.deactivated': collect,
    'workflow.deleted': collect,
  });
});
afterAll(async () => {
  await triggerConsumer.stop();
  await catalog.close();
});

const call = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: user.token, body });
const eventsFor = (workflowId: string) =>
  received.filter((e) => (e.data as { workflowId: string }).workflowId === workflowId);
const outboxFor = async (workflowId: string) =>
  (await catalog.db.selectFrom('outbox').selectAll().orderBy('created_at').execute()).filter(
    (row) => (row.envelope.data as { workflowId?: string }).workflowId === workflowId,
  );

async function publishedWorkflow(name: string) {
  const created = await call('POST', '/workflows', { name, graph: aWebhookGraph() });
  expect((await call('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);
  return created.body as { id: string; hookId: string; graph: unknown };
}

describe('activation events through the outbox and the bus', () => {
  it('writes workflow.published to the outbox when a version is published', async () => {
    const wf = await publishedWorkflow('Published');
    const rows = await outboxFor(wf.id);
    expect(rows.map((r) => r.type)).toEqual(['workflow.published']);
    expect(rows[0].envelope).toMatchObject({
      type: 'workflow.published',
      source: 'workflow-catalog',
      data: {
        workflowId: wf.id,
        ownerId: user.userId,
        version: 1,
        name: 'Published',
        graph: wf.graph,
      },
    });
  });

  it('activate, deactivate and delete reach the trigger queue with what it needs', async () => {
    const wf = await publishedWorkflow('Hooked');

    expect((await call('POST', `/workflows/${wf.id}/activate`)).status).toBe(200);
    await waitFor(() => eventsFor(wf.id).length === 1, { message: 'workflow.activated delivered' });
    expect(eventsFor(wf.id)[0]).toMatchObject({
      type: 'workflow.activated',
      source: 'workflow-catalog',
      data: {
        workflowId: wf.id,
        ownerId: user.userId,
        version: 1,
        name: 'Hooked',
        hookId: wf.hookId,
        graph: wf.graph,
      },
    });

    expect((await call('POST', `/workflows/${wf.id}/deactivate`)).status).toBe(200);
    await waitFor(() => eventsFor(wf.id).length === 2, {
      message: 'workflow.deactivated delivered',
    });
    expect(eventsFor(wf.id)[1]).toMatchObject({
      type: 'workflow.deactivated',
      data: { workflowId: wf.id, ownerId: user.userId },
    });

    // Deactivating again changes nothing and announces nothing.
    expect((await call('POST', `/workflows/${wf.id}/deactivate`)).body.active).toBe(false);

    expect((await call('DELETE', `/workflows/${wf.id}`)).status).toBe(204);
    await waitFor(() => eventsFor(wf.id).length === 3, { message: 'workflow.deleted delivered' });
    expect(eventsFor(wf.id)[2]).toMatchObject({
      type: 'workflow.deleted',
      data: { workflowId: wf.id, ownerId: user.userId },
    });

    const rows = await outboxFor(wf.id);
    expect(rows.map((r) => r.type)).toEqual([
      'workflow.published',
      'workflow.activated',
      'workflow.deactivated',
      'workflow.deleted',
    ]);
    await waitFor(async () => (await outboxFor(wf.id)).every((r) => r.published_at !== null), {
      message: 'outbox rows marked published',
    });
    expect(eventsFor(wf.id)).toHaveLength(3);
  });

  it('deleting an active workflow deactivates it first, then deletes it', async () => {
    const wf = await publishedWorkflow('Active then deleted');
    await call('POST', `/workflows/${wf.id}/activate`);
    expect((await call('DELETE', `/workflows/${wf.id}`)).status).toBe(204);
    await waitFor(() => eventsFor(wf.id).length === 3, { message: 'three events delivered' });
    expect(eventsFor(wf.id).map((e) => e.type)).toEqual([
      'workflow.activated',
      'workflow.deactivated',
      'workflow.deleted',
    ]);
  });

  it('announces a graph too large for the bus by reference: both events stay small', async () => {
    // About 300 KB of graph: alone over EventBridge's 256 KB entry limit.
    const graph = aWebhookGraph();
    graph.nodes[0].config = { method: 'POST', responseMode: 'respond_node' };
    graph.nodes.push({
      id: 'pad',
      type: 'respond_to_webhook',
      position: { x: 720, y: 0 },
      config: { status: 200, body: { pad: 'p'.repeat(300_000) } },
    });
    graph.edges.push({ id: 'e3', source: 'pick', sourceHandle: 'main', target: 'pad' });
    const created = await call('POST', '/workflows', { name: 'Big', graph });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    expect((await call('POST', `/workflows/${id}/publish`)).status).toBe(201);
    expect((await call('POST', `/workflows/${id}/activate`)).status).toBe(200);

    // Assess: each event carries where the version's graph is, not the graph.
    const rows = await outboxFor(id);
    expect(rows.map((r) => r.type)).toEqual(['workflow.published', 'workflow.activated']);
    for (const row of rows) {
      const data = row.envelope.data as { graph?: unknown; graphRef?: unknown };
      expect(data.graph).toBeUndefined();
      expect(data.graphRef).toEqual({
        key: `workflows/${id}/v1.graph`,
        bytes: expect.any(Number),
      });
      expect(Buffer.byteLength(JSON.stringify(row.envelope))).toBeLessThan(2048);
    }
    // The stored copy is the version's graph, in the store every service reads.
    const { rows: stored } = await sql<{ body: Buffer; bytes: number }>`
      select body, bytes from payloads.payloads where key = ${`workflows/${id}/v1.graph`}`.execute(
      catalog.db,
    );
    expect(stored[0].bytes).toBeGreaterThan(300_000);
    expect(JSON.parse(stored[0].body.toString('utf8'))).toEqual(created.body.graph);
    // The trigger queue gets it as it is (the trigger service resolves the reference).
    await waitFor(() => eventsFor(id).length === 1, { message: 'workflow.activated delivered' });
    expect(eventsFor(id)[0].data).toMatchObject({ graphRef: { key: `workflows/${id}/v1.graph` } });
  });

  it('writes no event when a request fails', async () => {
    const created = await call('POST', '/workflows', {
      name: 'Never published',
      graph: aWebhookGraph(),
    });
    expect((await call('POST', `/workflows/${created.body.id}/activate`)).status).toBe(409);
    const stranger = await catalog.userToken();
    expect(
      (await catalog.call('DELETE', `/workflows/${created.body.id}`, { token: stranger.token }))
        .status,
    ).toBe(404);
    expect(await outboxFor(created.body.id)).toEqual([]);
  });
});
