import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEvent } from '@flowgenie/messaging';
import { LocalEventPublisher } from '@flowgenie/messaging/local';
import { createRedis } from '@flowgenie/platform';
import type { ResourceMeter } from './resources';
import { fmt, percentile } from './report';
import { cpuUsage, type CpuUsage } from './resources';

/**
 * The schedules cell (BENCH_SCHEDULES=N): N active workflows whose schedule triggers are due in
 * the same second (or spread over BENCH_SCHEDULES_SPREAD seconds), fired by the trigger service's
 * real schedule path (BullMQ job schedulers, its worker, FireSchedule). Lateness: when the bench
 * first saw each committed firing row (polled every 100 ms) minus the planned time in its key.
 */

export interface ScheduleCellOptions {
  count: number;
  /** Distinct due seconds the schedules are spread over (1 = all in the same second). */
  spreadSeconds: number;
  /** Seconds between the start of registration and the first due second. */
  leadSeconds: number;
  /** Give up waiting for firings this long after the last due second. */
  timeoutSeconds: number;
  ownerId: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  meter: ResourceMeter;
  hz: number;
  cores: number;
  log: (m: string) => void;
}

export interface ScheduleCellResult {
  count: number;
  spreadSeconds: number;
  registered: number;
  registrationSeconds: number;
  /** Registration finished this long before the first due second (negative: too late). */
  marginSeconds: number;
  fired: number;
  /** Firings recorded more than once for the same workflow and planned time (should be 0). */
  duplicates: number;
  latenessMs: LatenessSummary;
  /** Executions the execution service recorded for these firings by the end of the measurement. */
  executionsRecorded: number;
  /** Planned time → execution recorded, for those. */
  executionLatenessMs: LatenessSummary;
  usage: CpuUsage;
  rssIdle: Record<string, number>;
  rssPeak: Record<string, number>;
  rssPeakTotal: number;
  infraIdle: Record<string, number>;
  infraPeak: Record<string, number>;
}

export interface LatenessSummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** How many were later than 1 s. */
  over1s: number;
}

/** A daily 6-field cron (seconds first) due at `at`'s UTC second. */
export function dailyCronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
}

/** The planned time inside a schedule firing key (`schedule:<workflow>:<version>:<ISO time>`). */
export function plannedTimeOfKey(key: string): Date | undefined {
  const m = /^schedule:[^:]+:\d+:(.+)$/.exec(key);
  if (!m) return undefined;
  const t = new Date(m[1]);
  return Number.isNaN(t.getTime()) ? undefined : t;
}

export function summariseLateness(ms: number[]): LatenessSummary {
  const sorted = [...ms].sort((a, b) => a - b);
  if (!sorted.length) return { n: 0, p50: NaN, p99: NaN, max: NaN, over1s: 0 };
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    over1s: sorted.filter((x) => x > 1000).length,
  };
}

function scheduleGraph(cron: string) {
  return {
    nodes: [
      { id: 'tick', type: 'schedule', config: { cron, timezone: 'UTC' }, position: { x: 0, y: 0 } },
      {
        id: 'note',
        type: 'transform',
        config: { expression: '{{ { "at": trigger.scheduledAt } }}' },
        position: { x: 240, y: 0 },
      },
    ],
    edges: [{ id: 'e1', source: 'tick', sourceHandle: 'main', target: 'note' }],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers `count` schedules through the trigger's own consumer (workflow.activated on the
 * local bus, as the catalog emits it on activation), waits for their due second(s), and reads
 * the firings the trigger recorded.
 */
export async function runScheduleCell(o: ScheduleCellOptions): Promise<ScheduleCellResult> {
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  const redis = createRedis(o.redisUrl);
  const bus = new LocalEventPublisher({ connection: redis, prefix: o.redisPrefix });
  try {
    const rssIdle = o.meter.rssMiB();
    const infraIdle = o.meter.infraRssMiB();
    const sampler = o.meter.sampleRss();
    const infraPeak: Record<string, number> = { ...infraIdle };
    const infraTimer = setInterval(() => {
      for (const [k, v] of Object.entries(o.meter.infraRssMiB()))
        infraPeak[k] = Math.max(infraPeak[k] ?? 0, v);
    }, 1000);

    // Whole seconds, so every schedule of one due second has the same planned time.
    const regStart = Date.now();
    const firstDue = new Date(Math.ceil((regStart + o.leadSeconds * 1000) / 1000) * 1000);
    const dueAt = (i: number) => new Date(firstDue.getTime() + (i % o.spreadSeconds) * 1000);
    o.log(
      `schedules: registering ${o.count} (due ${firstDue.toISOString()}${o.spreadSeconds > 1 ? ` over ${o.spreadSeconds} s` : ''})…`,
    );
    const BATCH = 500;
    for (let i = 0; i < o.count; i += BATCH) {
      const events = [];
      for (let j = i; j < Math.min(o.count, i + BATCH); j++) {
        events.push(
          createEvent(
            'workflow.activated',
            {
              workflowId: randomUUID(),
              ownerId: o.ownerId,
              version: 1,
              name: `bench schedule ${j}`,
              hookId: randomBytes(16).toString('hex'),
              graph: scheduleGraph(dailyCronAt(dueAt(j))),
            },
            { source: 'workflow-catalog' },
          ),
        );
      }
      await bus.publish(events);
    }
    let registered = 0;
    for (let last = -1, lastChange = Date.now(); ;) {
      // The lifecycle registers the schedule inside the transaction that activates the row.
      registered = Number(
        (
          await db.query(
            `select count(*)::int as n from trigger.triggers where active and type = 'schedule'`,
          )
        ).rows[0].n as number,
      );
      if (registered >= o.count) break;
      if (registered !== last) {
        last = registered;
        lastChange = Date.now();
        o.log(`  registered ${registered}/${o.count}`);
      }
      if (Date.now() - lastChange > 30_000) break;
      await sleep(1000);
    }
    const registrationSeconds = (Date.now() - regStart) / 1000;
    const marginSeconds = (firstDue.getTime() - Date.now()) / 1000;
    o.log(
      `  ${registered} schedulers in ${registrationSeconds.toFixed(1)} s; first due in ${marginSeconds.toFixed(1)} s`,
    );

    // CPU from just before the first due second until the last firing is recorded.
    if (marginSeconds > 1) await sleep(marginSeconds * 1000 - 1000);
    const before = o.meter.snapshot();
    const lastDue = firstDue.getTime() + (o.spreadSeconds - 1) * 1000;
    // Committed firings per planned second, polled every 100 ms: a firing's time is the first
    // poll that sees it (at most ~100 ms after its commit; a row's own timestamp would be its
    // transaction's start, before the commit that makes it durable).
    const seen = new Map<string, number>();
    const lateness: number[] = [];
    let fired = 0;
    for (let last = -1, lastChange = Date.now(); ;) {
      const polledAt = Date.now();
      const rows = (
        await db.query<{ planned: string; n: number }>(
          `select right(idempotency_key, 24) as planned, count(*)::int as n from trigger.firings group by 1`,
        )
      ).rows;
      fired = 0;
      for (const r of rows) {
        fired += r.n;
        const planned = new Date(r.planned).getTime();
        const before = seen.get(r.planned) ?? 0;
        for (let k = before; k < r.n; k++) lateness.push(polledAt - planned);
        seen.set(r.planned, r.n);
      }
      if (fired >= o.count) break;
      if (fired !== last) {
        last = fired;
        lastChange = Date.now();
        if (Date.now() > firstDue.getTime())
          o.log(
            `  fired ${fired}/${o.count}, ${Date.now() - firstDue.getTime()} ms after the first due second`,
          );
      }
      if (Date.now() > lastDue + o.timeoutSeconds * 1000) break;
      if (Date.now() > lastDue + 5000 && Date.now() - lastChange > 15_000) break;
      await sleep(100);
    }
    const after = o.meter.snapshot();
    // A moment for the relay and the execution service to record what was fired.
    await sleep(3000);
    const rss = sampler.stop();
    clearInterval(infraTimer);

    const firings = (
      await db.query<{ key: string; execution_id: string }>(
        `select idempotency_key as key, execution_id from trigger.firings`,
      )
    ).rows;
    const perPlanned = new Set<string>();
    let duplicates = 0;
    for (const f of firings) {
      const planned = plannedTimeOfKey(f.key);
      if (!planned) continue;
      const id = `${f.key.split(':')[1]}@${planned.toISOString()}`;
      if (perPlanned.has(id)) duplicates += 1;
      perPlanned.add(id);
    }
    // The execution service's record of each firing, against its planned time.
    const plannedOf = new Map(
      firings.map((f) => [f.execution_id, plannedTimeOfKey(f.key)?.getTime() ?? NaN]),
    );
    const executions = (
      await db.query<{ id: string; created_at: Date }>(
        `select id, created_at from execution.executions where owner_id = $1`,
        [o.ownerId],
      )
    ).rows;
    const executionLateness = executions
      .filter((e) => plannedOf.has(e.id))
      .map((e) => e.created_at.getTime() - plannedOf.get(e.id)!);
    return {
      count: o.count,
      spreadSeconds: o.spreadSeconds,
      registered,
      registrationSeconds,
      marginSeconds,
      fired: firings.length,
      duplicates,
      latenessMs: summariseLateness(lateness),
      executionsRecorded: executionLateness.length,
      executionLatenessMs: summariseLateness(executionLateness),
      usage: cpuUsage(before, after, o.hz, o.cores),
      rssIdle,
      rssPeak: rss.peak,
      rssPeakTotal: rss.peakTotal,
      infraIdle,
      infraPeak,
    };
  } finally {
    await bus.close().catch(() => undefined);
    redis.disconnect();
    await db.end().catch(() => undefined);
  }
}

/**
 * Waits until the executions of the cell's firings have finished (at most `timeoutSeconds`, or
 * 15 s without progress), so that cells run after it in the same command do not share the machine
 * with its backlog. Returns how many finished.
 */
export async function waitForScheduleExecutions(o: {
  databaseUrl: string;
  ownerId: string;
  fired: number;
  timeoutSeconds: number;
  log: (m: string) => void;
}): Promise<number> {
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    for (let last = -1, lastChange = Date.now(); ;) {
      const finished = Number(
        (
          await db.query(
            `select count(*)::int as n from execution.executions
             where owner_id = $1 and finished_at is not null`,
            [o.ownerId],
          )
        ).rows[0].n as number,
      );
      if (finished >= o.fired || Date.now() > deadline) return finished;
      if (finished !== last) {
        last = finished;
        lastChange = Date.now();
        o.log(`  schedule executions finished: ${finished}/${o.fired}`);
      } else if (Date.now() - lastChange > 15_000) {
        o.log(`  schedule executions: no progress for 15 s at ${finished}/${o.fired}; going on`);
        return finished;
      }
      await sleep(1000);
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** Markdown: the cell's figures. */
export function scheduleTable(r: ScheduleCellResult, processes: string[]): string {
  const head =
    '| schedules | due seconds | registered | registration s | fired | duplicates | lateness p50 ms | p99 ms | max ms | later than 1 s | executions recorded | planned → execution recorded p50 / p99 ms |';
  const sep = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => ' --- ')
    .join('|')}|`;
  const l = r.latenessMs;
  const e = r.executionLatenessMs;
  const row = `| ${r.count} | ${r.spreadSeconds} | ${r.registered} | ${r.registrationSeconds.toFixed(1)} | ${r.fired} | ${r.duplicates} | ${fmt(l.p50, 0)} | ${fmt(l.p99, 0)} | ${fmt(l.max, 0)} | ${l.over1s} | ${r.executionsRecorded} | ${fmt(e.p50, 0)} / ${fmt(e.p99, 0)} |`;
  const cpuHead = `| ${[...processes, 'total', 'other CPU %', 'measured s'].join(' | ')} |`;
  const cpuSep = `|${[...processes, 'total', 'other', 's'].map(() => ' --- ').join('|')}|`;
  const cpuRow = `| ${[
    ...processes.map((p) => (r.usage.ms[p] ?? 0).toFixed(0)),
    r.usage.totalMs.toFixed(0),
    r.usage.otherPct.toFixed(0),
    (r.usage.wallMs / 1000).toFixed(1),
  ].join(' | ')} |`;
  const memRows = [
    ...Object.keys(r.rssPeak).map(
      (n) => `| ${n} | ${(r.rssIdle[n] ?? 0).toFixed(0)} | ${r.rssPeak[n].toFixed(0)} |`,
    ),
    ...Object.keys(r.infraIdle).map(
      (n) =>
        `| ${n} (shared) | ${r.infraIdle[n].toFixed(0)} | ${(r.infraPeak[n] ?? 0).toFixed(0)} |`,
    ),
  ];
  return [
    head,
    sep,
    row,
    '',
    `CPU ms from 1 s before the first due second until the last firing was recorded:`,
    '',
    cpuHead,
    cpuSep,
    cpuRow,
    '',
    '| process | RSS MiB before registration | peak RSS MiB (registration and firing) |',
    '| --- | --- | --- |',
    ...memRows,
  ].join('\n');
}
