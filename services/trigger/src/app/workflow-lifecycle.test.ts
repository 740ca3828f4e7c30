import { randomUUID } from 'node:crypto';
import type { EventData, WorkflowGraph } from '@flowgenie/contracts';
import { MemorySchedules, MemoryTriggers, silent } from './fakes.test-support';
import { WorkflowLifecycle } from './workflow-lifecycle';

const graph = (type: string, config: Record<string, unknown>): WorkflowGraph => ({
  nodes: [{ id: 't', type, position: { x: 0, y: 0 }, config }],
  edges: [],
});

function setup() {
  const triggers = new MemoryTriggers();
  const schedules = new MemorySchedules();
  const lifecycle = new WorkflowLifecycle({ inbox: triggers, schedules, logger: silent });
  const data = (g: WorkflowGraph, version = 1): EventData<'workflow.activated'> => ({
    workflowId: 'a7b1a8a4-59f7-4f0e-9d8c-3f7e7c1c9d11',
    ownerId: 'f1c2d3e4-59f7-4f0e-9d8c-3f7e7c1c9d11',
    version,
    name: 'wf',
    hookId: 'hook-0123456789abcdef',
    graph: g,
  });
  return { triggers, schedules, lifecycle, data };
}

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('WorkflowLifecycle', () => {
  it('registers the schedule of an activated schedule workflow and replaces it on a new version', async () => {
    const { lifecycle, schedules, data } = setup();
    await lifecycle.activated(
      randomUUID(),
      t(1),
      data(graph('schedule', { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' })),
    );
    expect([...schedules.schedules]).toEqual([
      [data(graph('manual', {})).workflowId, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' }],
    ]);

    await lifecycle.activated(
      randomUUID(),
      t(2),
      data(graph('schedule', { cron: '*/5 * * * * *' }), 2),
    );
    expect([...schedules.schedules.values()]).toEqual([{ cron: '*/5 * * * * *', timezone: 'UTC' }]);
  });

  it('removes the schedule on deactivation and when the trigger stops being a schedule', async () => {
    const { lifecycle, schedules, triggers, data } = setup();
    const d = data(graph('schedule', { cron: '* * * * *' }));
    await lifecycle.activated(randomUUID(), t(1), d);
    await lifecycle.deactivated(randomUUID(), t(2), d.workflowId);
    expect(schedules.schedules.size).toBe(0);
    expect(triggers.rows.get(d.workflowId)?.active).toBe(false);

    await lifecycle.activated(randomUUID(), t(3), d);
    await lifecycle.activated(randomUUID(), t(4), data(graph('webhook', {}), 2));
    expect(schedules.schedules.size).toBe(0);
  });

  it('ignores an activation older than the deactivation it arrives after', async () => {
    const { lifecycle, schedules, triggers, data } = setup();
    const d = data(graph('schedule', { cron: '* * * * *' }));
    await lifecycle.activated(randomUUID(), t(1), d);
    await lifecycle.deactivated(randomUUID(), t(5), d.workflowId);
    await lifecycle.activated(randomUUID(), t(3), d);
    expect(triggers.rows.get(d.workflowId)?.active).toBe(false);
    expect(schedules.schedules.size).toBe(0);
  });

  it('keeps a workflow with an unusable cron without a schedule instead of failing the event', async () => {
    const { lifecycle, schedules, data } = setup();
    await expect(
      lifecycle.activated(randomUUID(), t(1), data(graph('schedule', { cron: 'every day' }))),
    ).resolves.toBeUndefined();
    expect(schedules.schedules.size).toBe(0);
  });

  it('applies a graph the catalog passed by reference, read from the payload store', async () => {
    const triggers = new MemoryTriggers();
    const stored = new Map([['workflows/w/v1.graph', graph('schedule', { cron: '0 9 * * *' })]]);
    const lifecycle = new WorkflowLifecycle({
      inbox: triggers,
      schedules: new MemorySchedules(),
      logger: silent,
      payloads: {
        resolve: async ({ payloadRef }) => {
          if (!stored.has(payloadRef.key)) throw new Error(`${payloadRef.key} expired`);
          return stored.get(payloadRef.key);
        },
      },
    });
    const { data } = setup();
    const { graph: _inline, ...byRef } = data(graph('manual', {}));

    await lifecycle.activated(randomUUID(), t(1), {
      ...byRef,
      graphRef: { key: 'workflows/w/v1.graph', bytes: 300_000 },
    });

    const row = triggers.rows.get(byRef.workflowId);
    expect(row).toMatchObject({ type: 'schedule', config: { cron: '0 9 * * *' } });
    expect(row?.graph).toEqual(stored.get('workflows/w/v1.graph'));
    // A stored graph that is gone fails the event (it is redelivered, then dead-lettered).
    await expect(
      lifecycle.activated(randomUUID(), t(2), {
        ...byRef,
        version: 2,
        graphRef: { key: 'workflows/w/v2.graph', bytes: 300_000 },
      }),
    ).rejects.toThrow('workflows/w/v2.graph expired');
  });
});
