import { eventCatalog, type EventData, type EventType } from './catalog';

/** What EventBridge Scheduler puts in place of these in a target's input, at each firing. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';
export const SCHEDULER_EXECUTION_ID = '<aws.scheduler.execution-id>';

/**
 * The input of an EventBridge Scheduler target that sends one of our events straight to a
 * service's SQS queue (not through the bus): the envelope as the `detail` of an EventBridge-shaped
 * message, so the queue's consumer unwraps it as it unwraps the bus's. `time` is the planned
 * firing time and `correlationId` the firing's execution id, filled in by Scheduler. `id` is fixed
 * per schedule (Scheduler has no UUID placeholder): nothing dedupes these events by id.
 *
 * @example
 * schedulerTargetInput('poll.due', { workflowId }, randomUUID());
 * // '{"detail-type":"poll.due","source":"flowgenie.scheduler","detail":{...}}'
 */
export function schedulerTargetInput<T extends EventType>(
  type: T,
  data: EventData<T>,
  id: string,
): string {
  return JSON.stringify({
    'detail-type': type,
    source: 'flowgenie.scheduler',
    detail: {
      id,
      type,
      version: eventCatalog[type].version,
      source: 'scheduler',
      time: SCHEDULED_TIME,
      correlationId: SCHEDULER_EXECUTION_ID,
      data,
    },
  });
}
