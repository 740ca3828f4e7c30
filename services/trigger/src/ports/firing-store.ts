import type { EventData } from '@flowgenie/contracts';
import type { Trigger } from '../domain/trigger';

export type TriggeredData = EventData<'workflow.triggered'>;

/** One firing: the workflow.triggered data to emit, keyed by (workflowId, idempotencyKey). */
export type Firing = TriggeredData;

export interface FiringOutcome {
  /** The execution that runs this firing: the new one, or the first one for a repeated key. */
  executionId: string;
  /** True when the key was seen before: nothing was written and no event emitted. */
  duplicate: boolean;
}

/** One schedule tick to fire in the store: the execution id it gets if it fires. */
export interface ScheduleTickToFire {
  workflowId: string;
  scheduledAt: Date;
  executionId: string;
}

/**
 * What the store did with a tick: `fired` (firing and event recorded), `duplicate` (its key was
 * seen: nothing written), `skipped` (the trigger is gone, inactive or no longer a schedule), or
 * `undecided` (an active schedule it cannot build alone: no firing basis stored, or a graph above
 * the inline limit; the caller fires it the general way).
 */
export type ScheduleTickOutcome = 'fired' | 'duplicate' | 'skipped' | 'undecided';

/**
 * Records firings. The firing row and its workflow.triggered event (outbox) commit in one
 * transaction, so an emitted event always has its row and a repeated idempotency key returns
 * the first execution id and emits nothing.
 *
 * @example
 * const { executionId, duplicate } = await firings.record(firing);
 */
export interface FiringStore {
  record(firing: Firing): Promise<FiringOutcome>;
  /**
   * Like `record`, decided inside the transaction against the trigger row read with a share lock:
   * a deactivation that commits first is seen, one that comes later waits for this firing.
   * `build` returns undefined to fire nothing (resolves undefined); if it throws, nothing is written.
   */
  recordForTrigger(
    by: { workflowId: string } | { hookId: string },
    build: (trigger: Trigger | undefined) => Firing | undefined,
  ): Promise<FiringOutcome | undefined>;
  /**
   * `recordForTrigger` for many workflows in one transaction (schedules due in the same second):
   * `build` gets each entry's index in `workflowIds` and its trigger row (undefined when gone); the
   * outcomes come back in the order of `workflowIds`. If `build` throws, nothing is written.
   */
  recordForTriggers(
    workflowIds: string[],
    build: (index: number, trigger: Trigger | undefined) => Firing | undefined,
  ): Promise<Array<FiringOutcome | undefined>>;
  /**
   * Schedule ticks fired where the data is: in one transaction, each trigger row is read with a
   * share lock (as in `recordForTriggers`) and the firing and its workflow.triggered event are
   * built from the row's graph and {@link Trigger.scheduleFiring}, as FireSchedule would build
   * them, without the rows travelling to the service and back. Outcomes in the order of `ticks`.
   * Stores without it leave every tick to `recordForTriggers`.
   */
  fireScheduleTicks?(
    ticks: ScheduleTickToFire[],
    opts: { triggeredAt: Date; inlineMaxBytes?: number },
  ): Promise<ScheduleTickOutcome[]>;
  /**
   * The webhook's fast path: records the firing and its event in one statement, provided the
   * trigger row is still exactly `trigger` (as read, with its `revision`), locked for share as in
   * `recordForTrigger`. When it wrote nothing it resolves `'seen'` (the row is unchanged but the
   * key was seen) or undefined (the row changed or is gone): the caller then goes the
   * `recordForTrigger` way. Stores without it always take that way.
   */
  recordIfUnchanged?(
    trigger: Trigger,
    firing: Firing,
  ): Promise<{ executionId: string; duplicate: false } | 'seen' | undefined>;
}
