import { decodeCursor, encodeCursor } from '../domain/cursor';
import type { CatalogDeps } from './deps';
import { withValidation, type WorkflowDetails } from './graph-checks';
import { withLastExecutions } from './last-executions';

export interface ListWorkflowsInput {
  ownerId: string;
  limit: number;
  cursor?: string;
  name?: string;
  active?: boolean;
}

export interface WorkflowPage {
  items: WorkflowDetails[];
  nextCursor: string | null;
}

/** The owner's workflows, most recently changed first, a page at a time (keyset pagination). */
export function listWorkflows({
  store,
  scheduleBackend,
  lastExecutions,
}: Pick<CatalogDeps, 'store' | 'scheduleBackend' | 'lastExecutions'>) {
  return async (input: ListWorkflowsInput): Promise<WorkflowPage> => {
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    const rows = await store.list({
      ownerId: input.ownerId,
      limit: input.limit + 1,
      after,
      nameContains: input.name || undefined,
      active: input.active,
    });
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      items: await withLastExecutions(
        lastExecutions,
        input.ownerId,
        page.map((w) => withValidation(w, scheduleBackend)),
      ),
      nextCursor:
        rows.length > input.limit && last
          ? encodeCursor({ updatedAt: last.updatedAt, id: last.id })
          : null,
    };
  };
}
