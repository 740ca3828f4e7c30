import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { PlatformEvent } from '@flowgenie/contracts';
import { createEvent } from '@flowgenie/messaging';
import {
  consumerQueueName,
  LocalEventConsumer,
  LocalEventPublisher,
} from '@flowgenie/messaging/local';
import { createLogger } from '@flowgenie/platform';
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

describe('last execution from execution events', () => {
  let bus: LocalEventPublisher;
  let catalogQueue: Queue;

  beforeAll(() => {
    bus = new LocalEventPublisher({ connection: catalog.redis, prefix: catalog.prefix });
    catalogQueue = new Queue(consumerQueueName('workflow-catalog'), {
      connection: catalog.redis,
      prefix: catalog.prefix,
    });
  });
  afterAll(async () => {
    await bus.close();
    await catalogQueue.close();
  });

  const lastExecutionOf = async (id: string) =>
    (await call('GET', `/workflows/${id}`)).body.lastExecution;

  it('shows the running execution, then its outcome', async () => {
    const wf = await publishedWorkflow('Runs');
    const executionId = randomUUID();
    const ref = { executionId, workflowId: wf.id, ownerId: user.userId };
    await bus.publish([
      createEvent(
        'execution.started',
        { ...ref, version: 1, mode: 'webhook', startedAt: '2026-05-01T10:00:00.000Z' },
        { source: 'execution' },
      ),
    ]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.status === 'running', {
      message: 'running recorded',
    });

    await bus.publish([
      createEvent(
        'execution.failed',
        {
          ...ref,
          finishedAt: '2026-05-01T10:00:02.000Z',
          durationMs: 2000,
          error: { message: 'boom', nodeId: 'fetch_user' },
        },
        { source: 'execution' },
      ),
    ]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.status === 'failed', {
      message: 'failure recorded',
    });
    expect(await lastExecutionOf(wf.id)).toEqual({
      id: executionId,
      status: 'failed',
      at: '2026-05-01T10:00:02.000Z',
    });
  });

  it('applies an execution.succeeded delivered twice only once', async () => {
    const wf = await publishedWorkflow('Delivered twice');
    const event = createEvent(
      'execution.succeeded',
      {
        executionId: randomUUID(),
        workflowId: wf.id,
        ownerId: user.userId,
        finishedAt: '2026-05-02T08:00:00.000Z',
        durationMs: 120,
      },
      { source: 'execution' },
    );
    // Act: the bus delivers it, then (at-least-once) delivers the same envelope again.
    await bus.publish([event]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.status === 'succeeded', {
      message: 'first delivery applied',
    });
    const before = await call('GET', `/workflows/${wf.id}`);
    const again = await catalogQueue.add(event.type, event, { jobId: `${event.id}-redelivered` });
    await waitFor(async () => (await again.getState()) === 'completed', {
      message: 'redelivery handled',
    });

    // Assess: handled once (one inbox row), state unchanged by the second delivery.
    const inbox = await catalog.db
      .selectFrom('inbox')
      .selectAll()
      .where('event_id', '=', event.id)
      .execute();
    expect(inbox).toEqual([
      expect.objectContaining({ consumer: 'workflow-catalog', event_id: event.id }),
    ]);
    const after = await call('GET', `/workflows/${wf.id}`);
    expect(after.body).toEqual(before.body);
    expect(after.body.lastExecution).toEqual({
      id: event.data.executionId,
      status: 'succeeded',
      at: '2026-05-02T08:00:00.000Z',
    });
  });

  it('shows a canceled execution as canceled, applied once when delivered twice', async () => {
    // Prepare: the workflow's execution is running.
    const wf = await publishedWorkflow('Canceled run');
    const ref = { executionId: randomUUID(), workflowId: wf.id, ownerId: user.userId };
    await bus.publish([
      createEvent(
        'execution.started',
        { ...ref, version: 1, mode: 'manual', startedAt: '2026-05-05T09:00:00.000Z' },
        { source: 'execution' },
      ),
    ]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.status === 'running', {
      message: 'running recorded',
    });
    const canceled = createEvent(
      'execution.canceled',
      { ...ref, finishedAt: '2026-05-05T09:00:04.000Z', durationMs: 4000 },
      { source: 'execution' },
    );

    // Act: delivered, then delivered again (at-least-once).
    await bus.publish([canceled]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.status === 'canceled', {
      message: 'cancel recorded',
    });
    const before = await call('GET', `/workflows/${wf.id}`);
    const again = await catalogQueue.add(canceled.type, canceled, {
      jobId: `${canceled.id}-redelivered`,
    });
    await waitFor(async () => (await again.getState()) === 'completed', {
      message: 'redelivery handled',
    });

    // Assess
    expect(before.body.lastExecution).toEqual({
      id: ref.executionId,
      status: 'canceled',
      at: '2026-05-05T09:00:04.000Z',
    });
    const inbox = await catalog.db
      .selectFrom('inbox')
      .selectAll()
      .where('event_id', '=', canceled.id)
      .execute();
    expect(inbox).toHaveLength(1);
    expect((await call('GET', `/workflows/${wf.id}`)).body).toEqual(before.body);
  });

  it('keeps the newer execution when an older one is reported late', async () => {
    const wf = await publishedWorkflow('Out of order');
    const newer = randomUUID();
    const base = { workflowId: wf.id, ownerId: user.userId };
    await bus.publish([
      createEvent(
        'execution.started',
        {
          ...base,
          executionId: newer,
          version: 1,
          mode: 'manual',
          startedAt: '2026-05-03T12:00:00.000Z',
        },
        { source: 'execution' },
      ),
    ]);
    await waitFor(async () => (await lastExecutionOf(wf.id))?.id === newer, {
      message: 'newer recorded',
    });
    const late = createEvent(
      'execution.succeeded',
      { ...base, executionId: randomUUID(), finishedAt: '2026-05-03T11:59:00.000Z', durationMs: 5 },
      { source: 'execution' },
    );
    await bus.publish([late]);
    await waitFor(
      async () =>
        (await catalog.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', late.id)
          .executeTakeFirst()) !== undefined,
      {
        message: 'late event handled',
      },
    );
    expect(await lastExecutionOf(wf.id)).toEqual({
      id: newer,
      status: 'running',
      at: '2026-05-03T12:00:00.000Z',
    });
  });

  it("ignores an event that names the workflow with someone else's owner id", async () => {
    const wf = await publishedWorkflow('Owner mismatch');
    const forged = createEvent(
      'execution.succeeded',
      {
        executionId: randomUUID(),
        workflowId: wf.id,
        ownerId: randomUUID(),
        finishedAt: '2026-05-04T08:00:00.000Z',
        durationMs: 1,
      },
      { source: 'execution' },
    );
    await bus.publish([forged]);
    await waitFor(
      async () =>
        (await catalog.db
          .selectFrom('inbox')
          .select('event_id')
          .where('event_id', '=', forged.id)
          .executeTakeFirst()) !== undefined,
      {
        message: 'forged event handled',
      },
    );
    expect(await lastExecutionOf(wf.id)).toBeNull();
  });
});
