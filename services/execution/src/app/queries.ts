import type { ExecutionDetail } from '../domain/execution';
import type { ExecutionFilter, ExecutionPage, ExecutionStore } from '../ports/execution-store';
import { ExecutionNotFoundError } from '../domain/errors';

/** Read side of the executions API; every read is scoped to the caller. */
export class ExecutionQueries {
  constructor(private readonly store: ExecutionStore) {}

  /** @throws ExecutionNotFoundError when it does not exist or belongs to someone else. */
  async get(id: string, ownerId: string): Promise<ExecutionDetail> {
    const detail = await this.store.findDetail(id, ownerId);
    if (!detail) throw new ExecutionNotFoundError(id);
    return detail;
  }

  list(ownerId: string, filter: ExecutionFilter): Promise<ExecutionPage> {
    return this.store.list(ownerId, filter);
  }

  /** Change marker for streaming: undefined when not (or no longer) visible to the caller. */
  version(id: string, ownerId: string) {
    return this.store.version(id, ownerId);
  }
}
