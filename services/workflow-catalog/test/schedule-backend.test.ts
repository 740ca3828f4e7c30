import type { WorkflowGraph } from '@flowgenie/contracts';
import { startCatalog, type TestCatalog } from './helpers';

/** A schedule trigger with `cron`, then a transform. */
const scheduleGraph = (cron: string): WorkflowGraph => ({
  nodes: [
    { id: 'tick', type: 'schedule', position: { x: 0, y: 0 }, config: { cron, timezone: 'UTC' } },
    {
      id: 'note',
      type: 'transform',
      position: { x: 240, y: 0 },
      config: { expression: '{{ { "at": trigger.scheduledAt } }}' },
    },
  ],
  edges: [{ id: 'e1', source: 'tick', sourceHandle: 'main', target: 'note' }],
});

describe('schedules on EventBridge Scheduler (SCHEDULES=aws)', () => {
  let catalog: TestCatalog;
  let token: string;
  const call = (method: string, path: string, body?: unknown) =>
    catalog.call(method, path, { token, body });

  beforeAll(async () => {
    catalog = await startCatalog('catalog_sched_aws', { SCHEDULES: 'aws' });
    ({ token } = await catalog.userToken());
  });
  afterAll(() => catalog.close());

  it.each([
    ['a per-second cron', '* * * * * *', /fires at most once a minute/],
    ['a day of the month with a weekday', '0 9 1 * 1', /cannot combine a day of the month/],
  ])('refuses to publish %s with a located 400, making no version', async (_l, cron, message) => {
    const located = [
      { nodeId: 'tick', path: 'nodes.0.config.cron', message: expect.stringMatching(message) },
    ];
    // The draft saves, and its validation (what the builder shows) names the problem.
    const created = await call('POST', '/workflows', { name: cron, graph: scheduleGraph(cron) });
    expect(created.status).toBe(201);
    expect(created.body.validation).toEqual({ ok: false, errors: located });
    expect((await call('POST', `/workflows/${created.body.id}/validate`)).body).toMatchObject({
      ok: false,
      errors: located,
    });

    const res = await call('POST', `/workflows/${created.body.id}/publish`);

    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual(located);
    expect((await call('GET', `/workflows/${created.body.id}/versions`)).body.items).toEqual([]);
  });

  it('publishes and activates a cron Scheduler can run', async () => {
    const created = await call('POST', '/workflows', {
      name: 'weekdays',
      graph: scheduleGraph('0 9 * * 1-5'),
    });
    expect(created.body.validation).toEqual({ ok: true, errors: [] });
    expect((await call('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);
    const activated = await call('POST', `/workflows/${created.body.id}/activate`, {});
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ active: true, activeVersion: 1 });
  });
});

describe('schedules on BullMQ (the default)', () => {
  it('publishes and activates a per-second cron', async () => {
    const catalog = await startCatalog('catalog_sched_local');
    try {
      const { token } = await catalog.userToken();
      const call = (method: string, path: string, body?: unknown) =>
        catalog.call(method, path, { token, body });
      const created = await call('POST', '/workflows', {
        name: 'every second',
        graph: scheduleGraph('* * * * * *'),
      });
      expect(created.body.validation).toEqual({ ok: true, errors: [] });
      expect((await call('POST', `/workflows/${created.body.id}/publish`)).status).toBe(201);
      expect((await call('POST', `/workflows/${created.body.id}/activate`, {})).status).toBe(200);
    } finally {
      await catalog.close();
    }
  });
});
