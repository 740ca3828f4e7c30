import type { LastExecution } from '../domain/workflow';

/**
 * Where a workflow's last run comes from: the execution service, which owns executions. Asked once
 * per answer (a page of the list, one workflow), never fed per execution.
 */
export interface LastExecutions {
  /**
   * The newest execution of each of these workflows of `ownerId` (a workflow never run is not in
   * the map), or `undefined` when the execution service cannot say right now (unreachable, slow,
   * erroring): the caller shows the last run as unknown rather than failing.
   */
  of(
    ownerId: string,
    workflowIds: readonly string[],
  ): Promise<Map<string, LastExecution> | undefined>;
}
