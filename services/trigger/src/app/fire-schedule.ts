import { inForeground, type Logger } from '@flowgenie/platform';
import { scheduleFiringKey } from '../domain/idempotency';
import type { Trigger } from '../domain/trigger';
import type { Firing, FiringStore } from '../ports/firing-store';
import type { PayloadClaims } from '../ports/payload-claims';
import type { ScheduleTick } from '../ports/schedule-registry';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import { checkInFiring } from './claim-check';
import { scheduleFiringBasis } from './trigger-settings';

/** Ticks recorded per transaction: one statement per table for up to this many firings. */
export const FIRINGS_PER_TRANSACTION = 500;
/** Batches recorded at once: Postgres works on one while Node prepares the next. */
const TRANSACTIONS_AT_ONCE = 2;
/** Workflow versions whose graph size is remembered at once (a cache, emptied past this). */
const GRAPH_SIZES_KEPT = 100_000;

export type ScheduleOutcome = 'fired' | 'duplicate' | 'skipped';

/**
 * Firings of workflows' schedules. Each is decided against the trigger row read with a share lock
 * in the firing's transaction, and skipped when the trigger is gone, inactive or no longer a
 * schedule; the key (workflow, version, planned time) makes a duplicate delivery of the same tick
 * a no-op. Ticks due together (many schedules in the same second) are recorded in batches, one
 * transaction per {@link FIRINGS_PER_TRANSACTION}. A store that can (`fireScheduleTicks`) builds
 * each batch's firings from the rows where they are, which takes the graphs' round trip through
 * this process out of the firing path (10,000 ticks due together: docs/BENCHMARKS.md).
 */
export class FireSchedule {
  /** Whether a workflow version's graph is above the inline limit, by `<workflow>@<version>`. */
  private readonly largeGraphs = new Map<string, boolean>();

  constructor(
    private readonly deps: {
      firings: FiringStore;
      metrics: TriggerMetrics;
      logger: Logger;
      newId: () => string;
      now: () => Date;
      /** Graphs above the inline limit travel by reference (default: inline). */
      payloads?: PayloadClaims;
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
    const { firings } = this.deps;
    // Built in the store from each row's graph and firing basis; the rest go the general way.
    const outcomes: Array<ScheduleOutcome | 'undecided'> = firings.fireScheduleTicks
      ? await firings.fireScheduleTicks(
          batch.map((t) => ({ ...t, executionId: this.deps.newId() })),
          { triggeredAt: this.deps.now(), inlineMaxBytes: this.deps.payloads?.inlineMaxBytes },
        )
      : batch.map(() => 'undecided');
    const undecided = outcomes.flatMap((o, k) => (o === 'undecided' ? [k] : []));
    if (undecided.length) {
      const rest = await this.fireEachInService(undecided.map((k) => batch[k]));
      undecided.forEach((k, i) => (outcomes[k] = rest[i]));
    }
    return outcomes.map((outcome, k) => {
      if (outcome === 'fired') this.deps.metrics.firingEmitted('schedule');
      if (outcome === 'skipped')
        this.deps.logger.debug(
          { workflowId: batch[k].workflowId },
          'schedule tick skipped: trigger inactive or gone',
        );
      return outcome as ScheduleOutcome;
    });
  }

  /** Each firing built here from its trigger row, read in the batch's transaction. */
  private async fireEachInService(batch: ScheduleTick[]): Promise<ScheduleOutcome[]> {
    // A graph too large for the bus is stored before its firing's own transaction (the claim
    // check cannot run inside the batch's): those ticks are left out here and fired one by one.
    const large: Array<{ k: number; trigger: Trigger }> = [];
    const outcomes = await this.deps.firings.recordForTriggers(
      batch.map((t) => t.workflowId),
      (k, trigger) => {
        const firing = this.firingOf(trigger, batch[k], this.deps.newId());
        // Only a tick that fires stores its graph: a skipped one (inactive, gone) writes nothing.
        if (firing && trigger && this.graphTravelsByReference(trigger)) {
          large.push({ k, trigger });
          return undefined;
        }
        return firing;
      },
    );
    for (const { k, trigger } of large)
      outcomes[k] = await this.fireWithStoredGraph(batch[k], trigger);
    return outcomes.map((outcome) =>
      !outcome ? 'skipped' : outcome.duplicate ? 'duplicate' : 'fired',
    );
  }

  /** The firing of `tick` for the trigger row as read in the transaction, or undefined to skip. */
  private firingOf(
    trigger: Trigger | undefined,
    tick: ScheduleTick,
    executionId: string,
  ): Firing | undefined {
    if (!trigger?.active || trigger.type !== 'schedule') return undefined;
    const basis = trigger.scheduleFiring ?? scheduleFiringBasis(trigger.graph);
    if (!basis) {
      // Not registrable either (the lifecycle refuses it): skip it, not its batch-mates.
      this.deps.logger.warn(
        { workflowId: trigger.workflowId },
        'schedule tick skipped: no valid schedule node',
      );
      return undefined;
    }
    return {
      executionId,
      workflowId: trigger.workflowId,
      ownerId: trigger.ownerId,
      version: trigger.version,
      mode: 'schedule',
      triggerNodeId: basis.triggerNodeId,
      idempotencyKey: scheduleFiringKey(trigger.workflowId, trigger.version, tick.scheduledAt),
      payload: { scheduledAt: tick.scheduledAt.toISOString(), timezone: basis.timezone },
      graph: trigger.graph,
      triggeredAt: this.deps.now().toISOString(),
    };
  }

  /** Whether a version's graph exceeds the inline limit (measured once per workflow version). */
  private graphTravelsByReference(trigger: Trigger): boolean {
    const max = this.deps.payloads?.inlineMaxBytes;
    if (max === undefined) return false;
    const key = `${trigger.workflowId}@${trigger.version}`;
    let large = this.largeGraphs.get(key);
    if (large === undefined) {
      // Bounded: every version ever fired would stay otherwise; past the limit it starts afresh.
      if (this.largeGraphs.size >= GRAPH_SIZES_KEPT) this.largeGraphs.clear();
      large = Buffer.byteLength(JSON.stringify(trigger.graph)) > max;
      this.largeGraphs.set(key, large);
    }
    return large;
  }

  /**
   * One tick whose graph is stored first (under the execution's key), then fired against the
   * trigger row as locked then, as a poll's item is: a version activated meanwhile travels inline.
   */
  private async fireWithStoredGraph(tick: ScheduleTick, first: Trigger) {
    const executionId = this.deps.newId();
    const checked = await checkInFiring(this.deps.payloads, this.deps.logger, {
      executionId,
      payload: undefined,
      graph: first.graph,
    });
    let outcome;
    try {
      outcome = await this.deps.firings.recordForTrigger(
        { workflowId: tick.workflowId },
        (trigger) => {
          const firing = this.firingOf(trigger, tick, executionId);
          if (!firing || firing.version !== first.version) return firing;
          const { graph: _inline, ...rest } = firing;
          return { ...rest, ...checked.graph };
        },
      );
    } catch (err) {
      await checked.release();
      throw err;
    }
    if (!outcome || outcome.duplicate) await checked.release();
    return outcome;
  }
}
