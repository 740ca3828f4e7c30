import type { WebhookResponseMessage } from '@flowgenie/contracts';
import { createLogger } from '@flowgenie/platform';
import type { Trigger } from '../domain/trigger';
import type { Firing, FiringOutcome, FiringStore } from '../ports/firing-store';
import type { ScheduleRegistry } from '../ports/schedule-registry';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import type { TriggerEventInbox, TriggerRepository } from '../ports/trigger-repository';
import type {
  PendingWebhookResponse,
  WebhookResponseWaiter,
} from '../ports/webhook-response-waiter';
import type {
  RateVerdict,
  ReplayClaim,
  SignatureReplayGuard,
  WebhookRateLimiter,
} from '../ports/webhook-guards';

/** In-memory port fakes for unit tests of the use cases (no I/O). */
export const silent = createLogger({ service: 'trigger-unit', level: 'silent' });

export class MemoryTriggers implements TriggerRepository, TriggerEventInbox {
  readonly rows = new Map<string, Trigger>();
  readonly handled = new Set<string>();
  async findByHookId(hookId: string) {
    return [...this.rows.values()].find((t) => t.hookId === hookId);
  }
  async findByWorkflowId(id: string) {
    return this.rows.get(id);
  }
  async lockByWorkflowId(id: string) {
    return this.rows.get(id);
  }
  async saveIfNewer(t: Trigger) {
    const current = this.rows.get(t.workflowId);
    if (!current || current.updatedAt <= t.updatedAt) this.rows.set(t.workflowId, t);
  }
  async deactivateIfNewer(id: string, at: Date) {
    const current = this.rows.get(id);
    if (current && current.updatedAt <= at)
      this.rows.set(id, { ...current, active: false, updatedAt: at });
  }
  async once(eventId: string, work: (repo: TriggerRepository) => Promise<void>) {
    if (this.handled.has(eventId)) return false;
    await work(this);
    this.handled.add(eventId);
    return true;
  }
}

export class MemoryFirings implements FiringStore {
  readonly emitted: Firing[] = [];
  readonly log: string[] = [];
  constructor(private readonly triggers: MemoryTriggers) {}
  async record(f: Firing): Promise<FiringOutcome> {
    this.log.push('record');
    const first = this.emitted.find(
      (e) => e.workflowId === f.workflowId && e.idempotencyKey === f.idempotencyKey,
    );
    if (first) return { executionId: first.executionId, duplicate: true };
    this.emitted.push(f);
    return { executionId: f.executionId, duplicate: false };
  }
  async recordForTrigger(
    by: { workflowId: string } | { hookId: string },
    build: (t: Trigger | undefined) => Firing | undefined,
  ) {
    const t =
      'hookId' in by
        ? await this.triggers.findByHookId(by.hookId)
        : await this.triggers.findByWorkflowId(by.workflowId);
    const firing = build(t);
    return firing ? this.record(firing) : undefined;
  }
  async recordForTriggers(
    workflowIds: string[],
    build: (index: number, t: Trigger | undefined) => Firing | undefined,
  ) {
    const out = [];
    for (const [i, id] of workflowIds.entries()) {
      const firing = build(i, await this.triggers.findByWorkflowId(id));
      out.push(firing ? await this.record(firing) : undefined);
    }
    return out;
  }
}

export class MemoryWaiter implements WebhookResponseWaiter {
  readonly log: string[];
  readonly answers = new Map<string, WebhookResponseMessage>();
  readonly cancelled: string[] = [];
  constructor(log: string[]) {
    this.log = log;
  }
  register(executionId: string): PendingWebhookResponse {
    this.log.push('register');
    return {
      wait: async () => this.answers.get(executionId),
      cancel: () => this.cancelled.push(executionId),
    };
  }
}

export class MemorySchedules implements ScheduleRegistry {
  readonly schedules = new Map<string, { cron: string; timezone: string }>();
  async upsert(workflowId: string, cron: string, timezone: string) {
    this.schedules.set(workflowId, { cron, timezone });
  }
  async remove(workflowId: string) {
    this.schedules.delete(workflowId);
  }
}

export const noMetrics: TriggerMetrics = {
  hookReceived: () => undefined,
  firingEmitted: () => undefined,
};

/** Counts calls per hook and per IP in one everlasting window; `down` makes every check throw. */
export class MemoryRateLimiter implements WebhookRateLimiter {
  readonly counts = new Map<string, number>();
  down = false;
  async take(input: {
    hookId: string;
    ip: string;
    perHook: number;
    perIp: number;
  }): Promise<RateVerdict> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const hook = this.counts.get(`hook:${input.hookId}`) ?? 0;
    const ip = this.counts.get(`ip:${input.ip}`) ?? 0;
    if (ip >= input.perIp)
      return { allowed: false, scope: 'ip', limit: input.perIp, retryAfterSeconds: 42 };
    if (hook >= input.perHook)
      return { allowed: false, scope: 'hook', limit: input.perHook, retryAfterSeconds: 42 };
    this.counts.set(`hook:${input.hookId}`, hook + 1);
    this.counts.set(`ip:${input.ip}`, ip + 1);
    return { allowed: true };
  }
}

export class MemoryReplayGuard implements SignatureReplayGuard {
  readonly seen = new Map<string, { tag: string; ttlSeconds: number }>();
  down = false;
  async claim(key: string, tag: string, ttlSeconds: number): Promise<ReplayClaim> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const first = this.seen.get(key);
    if (first) return { first: false, tag: first.tag };
    this.seen.set(key, { tag, ttlSeconds });
    return { first: true };
  }
  async release(key: string): Promise<void> {
    this.seen.delete(key);
  }
}
