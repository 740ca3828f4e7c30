import { shouldRecordExecution } from '../domain/last-execution';
import type { LastExecution } from '../domain/workflow';
import type { CatalogDeps } from './deps';

export interface ExecutionNews {
  /** Id of the event that carried it: the same event handled twice changes nothing. */
  eventId: string;
  workflowId: string;
  ownerId: string;
  execution: LastExecution;
}

/**
 * Remembers a workflow's last execution from execution.* events. Applied at most once per event,
 * and only when newer than what is stored; events of deleted workflows are ignored.
 *
 * @returns whether the workflow's last execution changed.
 */
export function recordExecution({ store }: Pick<CatalogDeps, 'store'>) {
  return async (news: ExecutionNews): Promise<boolean> => {
    let changed = false;
    await store.transactionOnce(news.eventId, async (tx) => {
      const workflow = await tx.getForUpdate(news.ownerId, news.workflowId);
      if (!workflow || !shouldRecordExecution(workflow.lastExecution, news.execution)) return;
      await tx.setLastExecution(workflow.id, news.execution);
      changed = true;
    });
    return changed;
  };
}
