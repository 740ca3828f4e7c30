import { inForeground, type Logger } from '@flowgenie/platform';
import { scheduleFiringKey } from '../domain/idempotency';
import type { FiringStore } from '../ports/firing-store';
import type { ScheduleTick } from '../ports/schedule-registry';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import { scheduleSettings, triggerOf } from './trigger-settings';

/** Ticks recorded per transaction: one statement per table for up to this many firings. */
export const FIRINGS_PER_TRANSACTION = 500;
/** Batches recorded at once: Postgres works on one while Node prepares the next. */
const TRANSACTIONS_AT_ONCE = 2;

export type ScheduleOutcome = 'fired' | 'duplicate' | 'skipped';

/**
 * Firings of workflows' schedules. Each is decided against the trigger row read with a share lock
 * in the firing's transaction, and skipped when the trigger is gone, inactive or no longer a
 * schedule; the key (workflow, version, planned time) makes a duplicate delivery of the same tick
 * a no-op. Ticks due together (many schedules in the same second) are recorded in batches, one
 * transaction per {@link FIRINGS_PER_TRANSACTION}.
 */
export class FireSchedule {
  constructor(
    private readonly deps: {
      firings: FiringStore;
      metrics: TriggerMetrics;
      logger: Logger;
      newId: () => string;
      now: () => Date;
    },
  ) {}

  async execute(tick: ScheduleTick): Promise<ScheduleOutcome> {
    return (await this.executeMany([tick]))[0];
  }

  /**
   * The outcomes in the order of `ticks`. A failed batch throws (the others stay recorded). Runs
   * as foreground work: the process's relay and consumers wait until the firings are durable.
   */
  executeMany(ticks: ScheduleTick[]): Promise<ScheduleOutcome[]> {
    return inForeground(() => this.recordAll(ticks));
  }

  private async recordAll(ticks: ScheduleTick[]): Promise<ScheduleOutcome[]> {
    const batches: ScheduleTick[][] = [];
    for (let i = 0; i < ticks.length; i += FIRINGS_PER_TRANSACTION)
      batches.push(ticks.slice(i, i + FIRINGS_PER_TRANSACTION));
    const results: ScheduleOutcome[][] = [];
    let next = 0;
    const lane = async () => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await this.fireBatch(batches[i]);
      }
    };
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.min(TRANSACTIONS_AT_ONCE, batches.length) }, lane),
    );
    const failed = lanes.find((l) => l.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return results.flat();
  }

  private async fireBatch(batch: ScheduleTick[]): Promise<ScheduleOutcome[]> {
    const out: ScheduleOutcome[] = [];
    const outcomes = await this.deps.firings.recordForTriggers(
      batch.map((t) => t.workflowId),
      (k, trigger) => {
        if (!trigger?.active || trigger.type !== 'schedule') return undefined;
        const node = triggerOf(trigger.graph);
        if (!node) return undefined;
        let settings;
        try {
          settings = scheduleSettings(trigger.config);
        } catch (err) {
          // Not registrable either (the lifecycle refuses it): skip it, not its batch-mates.
          this.deps.logger.warn(
            { workflowId: trigger.workflowId, err: (err as Error).message },
            'schedule tick skipped: invalid schedule',
          );
          return undefined;
        }
        const scheduledAt = batch[k].scheduledAt;
        return {
          executionId: this.deps.newId(),
          workflowId: trigger.workflowId,
          ownerId: trigger.ownerId,
          version: trigger.version,
          mode: 'schedule',
          triggerNodeId: node.id,
          idempotencyKey: scheduleFiringKey(trigger.workflowId, trigger.version, scheduledAt),
          payload: { scheduledAt: scheduledAt.toISOString(), timezone: settings.timezone },
          graph: trigger.graph,
          triggeredAt: this.deps.now().toISOString(),
        };
      },
    );
    outcomes.forEach((outcome, k) => {
      if (!outcome) {
        this.deps.logger.debug(
          { workflowId: batch[k].workflowId },
          'schedule tick skipped: trigger inactive or gone',
        );
        out.push('skipped');
      } else if (outcome.duplicate) {
        out.push('duplicate');
      } else {
        this.deps.metrics.firingEmitted('schedule');
        out.push('fired');
      }
    });
    return out;
  }
}
