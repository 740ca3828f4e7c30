/**
 * Keeps one repeating poll per workflow in the scheduling backend (a BullMQ job scheduler with
 * an interval locally; EventBridge Scheduler `rate()` in AWS, not built yet). Idempotent like
 * ScheduleRegistry.
 *
 * @example
 * await polls.upsert(workflowId, 60_000);
 * await polls.remove(workflowId);
 */
export interface PollRegistry {
  upsert(workflowId: string, everyMs: number): Promise<void>;
  remove(workflowId: string): Promise<void>;
  /**
   * One poll as soon as possible, besides the interval: called once an activation or a resume has
   * committed (the interval's first run may come before the commit and find nothing to poll).
   */
  pollNow(workflowId: string): Promise<void>;
}
