import type { ExecutionStatus, LastExecution } from './workflow';

const FINISHED: readonly ExecutionStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * Whether an execution event should replace the workflow's remembered last execution. Events
 * arrive at least once and in any order, so only a newer fact wins:
 * - a later timestamp (start time for `running`, finish time otherwise) wins;
 * - for the same execution at the same instant, a finished status beats `running`, never the reverse.
 * Redelivery of an event already applied changes nothing.
 */
export function shouldRecordExecution(
  current: LastExecution | null,
  incoming: LastExecution,
): boolean {
  if (current === null) return true;
  const now = incoming.at.getTime();
  const then = current.at.getTime();
  if (now > then) return true;
  if (now < then) return false;
  return (
    incoming.id === current.id &&
    FINISHED.includes(incoming.status) &&
    !FINISHED.includes(current.status)
  );
}
