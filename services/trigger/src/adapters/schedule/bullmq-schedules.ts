import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { ChainableCommander, Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';
import type { ScheduleRegistry, ScheduleTick } from '../../ports/schedule-registry';
import { BullmqJobSchedulers } from './bullmq-job-schedulers';

export const SCHEDULES_QUEUE = 'schedules';

/** A tick job: a group of workflows sharing one cron and time zone, or (older) one workflow. */
type ScheduleJobData = { group: string } | { workflowId: string };

/** What the adapter remembers of a workflow's schedule (to leave its group on removal). */
interface Membership {
  group: string;
  cron: string;
  tz: string;
}

/** The scheduler shared by every workflow whose schedule has this cron and time zone. */
export function scheduleGroupId(cron: string, tz: string): string {
  return `group:${createHash('sha256').update(`${tz}\n${cron}`).digest('hex').slice(0, 32)}`;
}

/**
 * The local schedule backend: one BullMQ job scheduler per distinct (cron, time zone) on the
 * `schedules` queue, a Redis set of the workflows that use it, and a worker that turns each of
 * its jobs into one tick per member, handed over together. Schedules due in the same second thus
 * cost one job, not one per workflow (10,000 of them used to take ~30 s to fire; see
 * docs/BENCHMARKS.md). Cron patterns of 5 fields or 6 (seconds first) and IANA time zones are
 * BullMQ's own (cron-parser).
 *
 * @example
 * const schedules = new BullmqSchedules({ connection, prefix, logger });
 * await schedules.start((ticks) => fireSchedule.executeMany(ticks));
 * await schedules.upsert(workflowId, '*\/5 * * * * *', 'UTC');
 */
export class BullmqSchedules implements ScheduleRegistry {
  private readonly schedulers: BullmqJobSchedulers<ScheduleJobData>;
  private readonly redis: Redis;
  /** Hash: workflow id → its {@link Membership} (JSON). */
  private readonly membershipKey: string;
  private readonly membersKey: (group: string) => string;

  constructor(opts: { connection: Redis; prefix: string; logger: Logger; concurrency?: number }) {
    this.redis = opts.connection;
    this.membershipKey = `${opts.prefix}:schedule-membership`;
    this.membersKey = (group) => `${opts.prefix}:schedule-members:${group}`;
    this.schedulers = new BullmqJobSchedulers<ScheduleJobData>({
      ...opts,
      queue: SCHEDULES_QUEUE,
      jobName: 'fire',
      jobOptions: {
        // A transient failure (database restart) retries the same tick; the firing keys dedupe.
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
      },
      what: 'schedule tick',
      concurrency: opts.concurrency ?? 8,
    });
  }

  async upsert(workflowId: string, cron: string, timezone: string): Promise<void> {
    const group = scheduleGroupId(cron, timezone);
    const previous = await this.membership(workflowId);
    const membership: Membership = { group, cron, tz: timezone };
    await exec(
      this.redis
        .multi()
        .sadd(this.membersKey(group), workflowId)
        .hset(this.membershipKey, workflowId, JSON.stringify(membership)),
    );
    // Joined first, checked second: a removal of the group's last member racing this one sees
    // the new member after its own removal and puts the scheduler back (see leave()).
    if (!(await this.schedulers.exists(group))) await this.register(membership);
    if (previous && previous.group !== group) await this.leave(previous, workflowId);
    // A scheduler of its own, as workflows had before schedules were grouped.
    await this.schedulers.remove(workflowId);
  }

  async remove(workflowId: string): Promise<void> {
    const previous = await this.membership(workflowId);
    if (previous) {
      await this.redis.hdel(this.membershipKey, workflowId);
      await this.leave(previous, workflowId);
    }
    await this.schedulers.remove(workflowId);
  }

  /** Starts processing ticks; `onTicks` throwing makes BullMQ retry the whole job. */
  async start(onTicks: (ticks: ScheduleTick[]) => Promise<unknown>): Promise<void> {
    await this.schedulers.start(async (job) => {
      const scheduledAt = scheduledTimeOf(job);
      const workflowIds =
        'group' in job.data
          ? await this.redis.smembers(this.membersKey(job.data.group))
          : [job.data.workflowId];
      if (workflowIds.length)
        await onTicks(workflowIds.map((workflowId) => ({ workflowId, scheduledAt })));
    });
  }

  /** The registered schedules, one entry per workflow (operators, tests). */
  async list(): Promise<
    Array<{ workflowId: string; pattern?: string | null; tz?: string | null; next?: number | null }>
  > {
    const out = [];
    for (const s of await this.schedulers.list()) {
      const entry = { pattern: s.pattern, tz: s.tz, next: s.next };
      const members = s.key.startsWith('group:')
        ? await this.redis.smembers(this.membersKey(s.key))
        : [s.key];
      for (const workflowId of members) out.push({ workflowId, ...entry });
    }
    return out;
  }

  /** Stops taking ticks (the one in progress finishes) and closes the queue. */
  async stop(): Promise<void> {
    await this.schedulers.stop();
  }

  private async membership(workflowId: string): Promise<Membership | undefined> {
    const raw = await this.redis.hget(this.membershipKey, workflowId);
    return raw ? (JSON.parse(raw) as Membership) : undefined;
  }

  private register(m: Membership): Promise<void> {
    return this.schedulers.upsert(m.group, { pattern: m.cron, tz: m.tz }, { group: m.group });
  }

  /** Takes the workflow out of its group; the group's scheduler goes with its last member. */
  private async leave(m: Membership, workflowId: string): Promise<void> {
    const [, left] = await exec(
      this.redis.multi().srem(this.membersKey(m.group), workflowId).scard(this.membersKey(m.group)),
    );
    if (Number(left) > 0) return;
    await this.schedulers.remove(m.group);
    // A workflow that joined meanwhile may have found the scheduler still there: restore it.
    if ((await this.redis.scard(this.membersKey(m.group))) > 0) await this.register(m);
  }
}

/** Runs a MULTI and returns its results, throwing the first command error. */
async function exec(multi: ChainableCommander): Promise<unknown[]> {
  const results = (await multi.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  return results.map(([, value]) => value);
}

/**
 * The planned time of a scheduler's job: BullMQ stores it as `prevMillis` (and in the job id
 * `repeat:<scheduler>:<millis>`). Falls back to creation time + delay.
 */
export function scheduledTimeOf(job: Pick<Job, 'opts' | 'id' | 'timestamp'>): Date {
  const prev = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof prev === 'number' && prev > 0) return new Date(prev);
  const fromId = job.id?.match(/:(\d{10,})$/)?.[1];
  if (fromId) return new Date(Number(fromId));
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}
