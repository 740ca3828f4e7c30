import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { waitFor } from '@flowgenie/testing';
import { scheduleGroupId, SCHEDULES_QUEUE } from '../src/adapters/schedule/bullmq-schedules';
import { graphWith, TriggerHarness } from './support';

const EVERY_SECOND = '* * * * * *';
const ONCE_A_YEAR = '0 0 1 1 *';

// Real Postgres, Redis and HTTP: suite start-up and the schedule waits take seconds under a loaded CI.
jest.setTimeout(30_000);

describe('schedules', () => {
  let h: TriggerHarness;

  beforeAll(async () => {
    h = await TriggerHarness.start();
  });
  afterAll(() => h.close());

  it('fires a 6-field per-second schedule every second and stops after deactivation', async () => {
    // Prepare
    const wf = await h.activate({
      graph: graphWith({
        type: 'schedule',
        id: 'tick',
        config: { cron: EVERY_SECOND, timezone: 'Europe/Paris' },
      }),
    });

    // Act: let it run
    const fired = await waitFor(
      () => (h.triggeredFor(wf.workflowId).length >= 2 ? h.triggeredFor(wf.workflowId) : undefined),
      {
        timeoutMs: 3500,
        message: 'two schedule firings within ~3 s',
      },
    );

    // Assess: each firing carries its own planned second and a key built from it
    const [first, second] = fired;
    for (const e of [first, second]) {
      const payload = e.data.payload as { scheduledAt: string; timezone: string };
      expect(e.data).toMatchObject({
        mode: 'schedule',
        version: 1,
        triggerNodeId: 'tick',
        ownerId: wf.ownerId,
      });
      expect(payload.timezone).toBe('Europe/Paris');
      expect(new Date(payload.scheduledAt).getUTCMilliseconds()).toBe(0);
      expect(e.data.idempotencyKey).toBe(`schedule:${wf.workflowId}:1:${payload.scheduledAt}`);
    }
    expect((first.data.payload as { scheduledAt: string }).scheduledAt).not.toBe(
      (second.data.payload as { scheduledAt: string }).scheduledAt,
    );

    // Act: deactivate
    await h.deactivate(wf);
    await waitFor(
      async () => !(await h.service.schedules.list()).some((s) => s.workflowId === wf.workflowId),
      {
        message: 'scheduler removed',
      },
    );
    // Everything emitted before the deactivation committed has reached the execution side.
    const emitted = (await h.outboxOf(wf.workflowId)).length;
    await waitFor(() => h.triggeredFor(wf.workflowId).length === emitted, {
      message: 'emitted firings delivered',
    });

    // Assess: two more seconds bring no firing (absence needs a wait)
    await new Promise((r) => setTimeout(r, 2200));
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(emitted);
    expect(h.triggeredFor(wf.workflowId)).toHaveLength(emitted);
  });

  it('starts each tick on its second, not when Redis next checks its blocked clients (up to 100 ms later)', async () => {
    // Prepare
    const wf = await h.activate({
      graph: graphWith({
        type: 'schedule',
        id: 'tick',
        config: { cron: EVERY_SECOND, timezone: 'UTC' },
      }),
    });

    // Act: five ticks
    const fired = await waitFor(
      () => (h.triggeredFor(wf.workflowId).length >= 5 ? h.triggeredFor(wf.workflowId) : undefined),
      { timeoutMs: 8000, message: 'five schedule firings' },
    );
    await h.deactivate(wf);

    // Assess: a firing's triggeredAt is taken when its tick is handled. Redis (hz 10) alone would
    // start a tick 0–100 ms after its second, 50 on average; the median allows for a loaded machine.
    const lateness = fired
      .slice(0, 5)
      .map(
        (e) =>
          Date.parse(e.data.triggeredAt) -
          Date.parse((e.data.payload as { scheduledAt: string }).scheduledAt),
      )
      .sort((a, b) => a - b);
    expect(lateness[0]).toBeGreaterThanOrEqual(0);
    expect(lateness[2]).toBeLessThan(20);
  });

  it('replaces the schedule of an older version when a new version is activated', async () => {
    const wf = await h.activate({
      graph: graphWith({ type: 'schedule', config: { cron: ONCE_A_YEAR, timezone: 'UTC' } }),
    });
    expect(await h.service.schedules.list()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workflowId: wf.workflowId, pattern: ONCE_A_YEAR, tz: 'UTC' }),
      ]),
    );

    await h.activate({
      ...wf,
      version: 2,
      graph: graphWith({ type: 'schedule', config: { cron: EVERY_SECOND, timezone: 'UTC' } }),
    });

    const mine = (await h.service.schedules.list()).filter((s) => s.workflowId === wf.workflowId);
    expect(mine).toEqual([expect.objectContaining({ pattern: EVERY_SECOND })]);
    const event = await h.waitForTriggered(
      (e) => e.data.workflowId === wf.workflowId,
      'a firing of version 2',
    );
    expect(event.data.version).toBe(2);
    expect(event.data.idempotencyKey).toMatch(new RegExp(`^schedule:${wf.workflowId}:2:`));

    await h.deactivate(wf, 'workflow.deleted');
    expect((await h.service.schedules.list()).some((s) => s.workflowId === wf.workflowId)).toBe(
      false,
    );
  });

  it('runs a tick delivered twice for the same planned time only once', async () => {
    // Prepare: an active schedule that will not fire by itself during the test
    const wf = await h.activate({
      graph: graphWith({ type: 'schedule', config: { cron: ONCE_A_YEAR, timezone: 'UTC' } }),
    });
    const planned = Date.UTC(2030, 0, 1);
    const queue = new Queue(SCHEDULES_QUEUE, {
      connection: h.redis,
      prefix: h.config.REDIS_PREFIX,
    });

    // Act: the backend delivers the same planned tick twice (as after a redelivery)
    await queue.add('fire', { workflowId: wf.workflowId }, { jobId: 'dup-a', prevMillis: planned });
    await queue.add('fire', { workflowId: wf.workflowId }, { jobId: 'dup-b', prevMillis: planned });
    const done = async (id: string) => (await queue.getJobState(id)) === 'completed';
    await waitFor(async () => (await done('dup-a')) && (await done('dup-b')), {
      message: 'both ticks processed',
    });
    await queue.close();

    // Assess
    const key = `schedule:${wf.workflowId}:1:${new Date(planned).toISOString()}`;
    expect((await h.firingsOf(wf.workflowId)).map((f) => f.idempotency_key)).toEqual([key]);
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(1);
    await h.deactivate(wf);
  });

  it('fires every schedule due in the same second exactly once, and none deactivated before it', async () => {
    // Prepare: 80 workflows on one cron, one on another cron due at the same instant (another
    // time zone), and one deactivated before the due second; all due ~20 s from now.
    const due = new Date(Math.ceil(Date.now() / 1000) * 1000 + 20_000);
    const utc = `${due.getUTCSeconds()} ${due.getUTCMinutes()} ${due.getUTCHours()} * * *`;
    const kolkata = new Date(due.getTime() + 330 * 60_000); // UTC+05:30, no daylight saving
    const sameInstant = `${kolkata.getUTCSeconds()} ${kolkata.getUTCMinutes()} ${kolkata.getUTCHours()} * * *`;
    const many = [];
    for (let i = 0; i < 80; i += 20) {
      many.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, () =>
            h.activate({
              graph: graphWith({ type: 'schedule', config: { cron: utc, timezone: 'UTC' } }),
            }),
          ),
        )),
      );
    }
    const other = await h.activate({
      graph: graphWith({
        type: 'schedule',
        config: { cron: sameInstant, timezone: 'Asia/Kolkata' },
      }),
    });
    const gone = await h.activate({
      graph: graphWith({ type: 'schedule', config: { cron: utc, timezone: 'UTC' } }),
    });
    await h.deactivate(gone);
    expect(Date.now()).toBeLessThan(due.getTime()); // else the machine was too slow to prepare

    // Act: the due second passes
    const firing = [...many, other];
    await waitFor(
      () => firing.every((wf) => h.triggeredFor(wf.workflowId).length > 0) || undefined,
      { timeoutMs: due.getTime() - Date.now() + 20_000, message: 'every due schedule fired' },
    );

    // Assess: one firing per workflow at the planned second, none for the deactivated one
    for (const wf of firing) {
      expect((await h.firingsOf(wf.workflowId)).map((f) => f.idempotency_key)).toEqual([
        `schedule:${wf.workflowId}:1:${due.toISOString()}`,
      ]);
      const [event] = h.triggeredFor(wf.workflowId);
      expect(event.data.payload).toMatchObject({ scheduledAt: due.toISOString() });
    }
    expect(await h.firingsOf(gone.workflowId)).toEqual([]);
    expect(h.triggeredFor(gone.workflowId)).toEqual([]);
    for (const wf of [...firing, gone]) await h.deactivate(wf);
  }, 90_000);

  it('fires each member of a schedule shared by many workflows once when its tick is delivered twice', async () => {
    // Prepare: 30 workflows sharing a schedule that will not fire by itself during the test
    const cron = '0 0 1 1 *';
    const tz = 'America/Denver';
    const group = await Promise.all(
      Array.from({ length: 30 }, () =>
        h.activate({ graph: graphWith({ type: 'schedule', config: { cron, timezone: tz } }) }),
      ),
    );
    const planned = Date.UTC(2031, 0, 1, 7);
    const queue = new Queue(SCHEDULES_QUEUE, {
      connection: h.redis,
      prefix: h.config.REDIS_PREFIX,
    });

    // Act: the shared scheduler's tick arrives twice for the same planned time
    const data = { group: scheduleGroupId(cron, tz) };
    await queue.add('fire', data, { jobId: 'group-a', prevMillis: planned });
    await queue.add('fire', data, { jobId: 'group-b', prevMillis: planned });
    const done = async (id: string) => (await queue.getJobState(id)) === 'completed';
    await waitFor(async () => (await done('group-a')) && (await done('group-b')), {
      message: 'both ticks processed',
    });
    await queue.close();

    // Assess: each workflow fired once, with one event
    const at = new Date(planned).toISOString();
    for (const wf of group) {
      expect((await h.firingsOf(wf.workflowId)).map((f) => f.idempotency_key)).toEqual([
        `schedule:${wf.workflowId}:1:${at}`,
      ]);
      expect(await h.outboxOf(wf.workflowId)).toHaveLength(1);
    }
    for (const wf of group) await h.deactivate(wf);
  });

  it('stores a schedule graph too large for the bus once and fires it by reference', async () => {
    // Prepare: a service whose inline limit is 4 KiB, and a schedule workflow with a ~20 KB graph
    // beside a small one due at the same planned time.
    const small = await TriggerHarness.start({ PAYLOAD_INLINE_MAX_BYTES: '4096' });
    try {
      const bigGraph = graphWith({
        type: 'schedule',
        config: { cron: ONCE_A_YEAR, timezone: 'UTC' },
      });
      bigGraph.nodes[1].config = { expression: `{{ { "note": "${'n'.repeat(20_000)}" } }}` };
      const big = await small.activate({ graph: bigGraph });
      const plainGraph = graphWith({
        type: 'schedule',
        config: { cron: ONCE_A_YEAR, timezone: 'UTC' },
      });
      const plain = await small.activate({ graph: plainGraph });
      const planned = Date.UTC(2031, 0, 1);
      const queue = new Queue(SCHEDULES_QUEUE, {
        connection: small.redis,
        prefix: small.config.REDIS_PREFIX,
      });

      // Act: both ticks delivered, the big one twice
      for (const [id, wf] of [
        ['big-a', big],
        ['big-b', big],
        ['plain', plain],
      ] as const)
        await queue.add('fire', { workflowId: wf.workflowId }, { jobId: id, prevMillis: planned });
      const done = async (id: string) => (await queue.getJobState(id)) === 'completed';
      await waitFor(
        async () => (await done('big-a')) && (await done('big-b')) && (await done('plain')),
        { message: 'the three ticks processed' },
      );
      await queue.close();

      // Assess: the big graph's event carries a reference to its one stored copy, the small one
      // its graph inline; each fired once.
      const [bigEvent] = await small.outboxOf(big.workflowId);
      expect(await small.outboxOf(big.workflowId)).toHaveLength(1);
      const data = (bigEvent.envelope as { data: Record<string, unknown> }).data;
      expect(data.graph).toBeUndefined();
      expect(data.graphRef).toEqual({
        key: `triggered/${String(data.executionId)}.graph`,
        bytes: expect.any(Number),
      });
      expect(JSON.stringify(bigEvent.envelope).length).toBeLessThan(4096);
      const { rows } = await sql<{ key: string; body: Buffer }>`
        select key, body from payloads.payloads where key like 'triggered/%.graph'`.execute(
        small.service.db,
      );
      expect(rows.map((r) => r.key)).toEqual([`triggered/${String(data.executionId)}.graph`]);
      expect(JSON.parse(rows[0].body.toString('utf8'))).toEqual(bigGraph);
      const [plainEvent] = await small.outboxOf(plain.workflowId);
      expect((plainEvent.envelope as { data: { graph: unknown } }).data.graph).toEqual(plainGraph);
      await small.deactivate(big);
      await small.deactivate(plain);
    } finally {
      await small.close();
    }
  });
});
