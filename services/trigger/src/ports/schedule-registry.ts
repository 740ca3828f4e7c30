/**
 * Keeps one cron schedule per workflow in the scheduling backend (BullMQ job schedulers locally,
 * EventBridge Scheduler in AWS). Both calls are idempotent: upsert replaces an older schedule of
 * the same workflow, remove of an unknown workflow does nothing.
 *
 * @example
 * await schedules.upsert(workflowId, '0 9 * * 1-5', 'Europe/Paris');
 * await schedules.remove(workflowId);
 */
export interface ScheduleRegistry {
  upsert(workflowId: string, cron: string, timezone: string): Promise<void>;
  remove(workflowId: string): Promise<void>;
}

/** One firing of a schedule, as the backend delivers it. */
export interface ScheduleTick {
  workflowId: string;
  /** The planned time of this firing (not when it was processed): the dedupe key uses it. */
  scheduledAt: Date;
}
