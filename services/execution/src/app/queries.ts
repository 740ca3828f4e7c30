import type { ExecutionDetail } from '../domain/execution';
import type {
  ExecutionFilter,
  ExecutionPage,
  ExecutionStore,
  LatestExecution,
} from '../ports/execution-store';
import { inlineTriggerPayloads, type TriggerPayloads } from '../ports/trigger-payloads';
import { ExecutionNotFoundError } from '../domain/errors';

/** Read side of the executions API; every read is scoped to the caller. */
export class ExecutionQueries {
  constructor(
    private readonly store: ExecutionStore,
    /** Reads trigger payloads stored by reference. @default inline payloads only */
    private readonly payloads: TriggerPayloads = inlineTriggerPayloads,
  ) {}

  /** @throws ExecutionNotFoundError when it does not exist or belongs to someone else. */
  async get(id: string, ownerId: string): Promise<ExecutionDetail> {
    const detail = await this.store.findDetail(id, ownerId);
    if (!detail) throw new ExecutionNotFoundError(id);
    return this.withTriggerPayload(detail);
  }

  /**
   * The detail as the API shows it: a payload stored by reference is read back into
   * `triggerPayload` and the trigger step's output, so callers see what the steps saw. One
   * that expired shows as null (its reference, with the size, stays on the execution).
   */
  async withTriggerPayload(detail: ExecutionDetail): Promise<ExecutionDetail> {
    const ref = detail.triggerPayloadRef;
    if (!ref) return detail;
    let payload: unknown;
    try {
      payload = await this.payloads.resolve({ payloadRef: ref });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'payload_expired') return detail;
      throw err;
    }
    return {
      ...detail,
      triggerPayload: payload,
      steps: detail.steps.map((s) =>
        s.nodeId === detail.triggerNodeId && s.status === 'succeeded'
          ? { ...s, output: payload }
          : s,
      ),
    };
  }

  list(ownerId: string, filter: ExecutionFilter): Promise<ExecutionPage> {
    return this.store.list(ownerId, filter);
  }

  /** The newest execution of each of these workflows of `ownerId` (the catalog's "last run"). */
  latestOfWorkflows(ownerId: string, workflowIds: readonly string[]): Promise<LatestExecution[]> {
    return this.store.latestOfWorkflows(ownerId, workflowIds);
  }

  /** Change marker for streaming: undefined when not (or no longer) visible to the caller. */
  version(id: string, ownerId: string) {
    return this.store.version(id, ownerId);
  }
}
