import type { LastExecutions } from '../ports/last-executions';
import type { WorkflowDetails } from './graph-checks';

/**
 * These workflows of `ownerId` with their last run, asked of the execution service in one call.
 * When it cannot answer, each is marked unknown instead (the answer still succeeds).
 */
export async function withLastExecutions(
  lastExecutions: LastExecutions,
  ownerId: string,
  details: WorkflowDetails[],
): Promise<WorkflowDetails[]> {
  if (details.length === 0) return details;
  const latest = await lastExecutions.of(
    ownerId,
    details.map((d) => d.workflow.id),
  );
  return details.map((d) => ({
    ...d,
    lastExecution: latest?.get(d.workflow.id) ?? null,
    lastExecutionKnown: latest !== undefined,
  }));
}

/** One workflow with its last run (see {@link withLastExecutions}). */
export async function withLastExecution(
  lastExecutions: LastExecutions,
  details: WorkflowDetails,
): Promise<WorkflowDetails> {
  const [one] = await withLastExecutions(lastExecutions, details.workflow.ownerId, [details]);
  return one;
}
