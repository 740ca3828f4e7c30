import { ACTIVE_STEP_STATUSES, ENQUEUED_STEP_STATUSES, isExecutionFinished, type ExecutionDetail } from '../domain/execution';
import type { ExecutionStore, ExecutionTx } from '../ports/execution-store';
import { noEffects, runEffects, type EngineDeps, type Effects } from './engine';
import { ExecutionConflictError, ExecutionNotFoundError } from './errors';
import { CONSUMER } from './start-execution';

export interface CancelExecutionDeps extends EngineDeps {
  store: ExecutionStore;
}

/**
 * Cancels a queued or running execution: its unfinished steps become canceled, their queued
 * jobs are removed, and a step still running has its result discarded when it ends. History
 * (finished steps, their input and output) is kept.
 */
export class CancelExecution {
  constructor(private readonly deps: CancelExecutionDeps) {}

  /** The owner's cancel request. @throws ExecutionNotFoundError, ExecutionConflictError (finished). */
  async execute(id: string, ownerId: string): Promise<ExecutionDetail> {
    const effects = await this.deps.store.transaction(async (tx) => {
      const execution = await tx.lockExecution(id);
      if (!execution || execution.ownerId !== ownerId) throw new ExecutionNotFoundError(id);
      if (isExecutionFinished(execution.status)) {
        throw new ExecutionConflictError(`execution ${id} is already ${execution.status}`);
      }
      return cancelLocked(tx, id, noEffects());
    });
    await runEffects(this.deps, effects);
    this.deps.logger.info({ executionId: id }, 'execution canceled');
    return (await this.deps.store.findDetail(id, ownerId))!;
  }

  /** workflow.deleted: every unfinished execution of the workflow is canceled (history kept). */
  async workflowDeleted(eventId: string, workflowId: string, ownerId: string): Promise<void> {
    const result = await this.deps.store.handleOnce(CONSUMER, eventId, async (tx) => {
      const effects = noEffects();
      for (const id of await tx.unfinishedOfWorkflow(workflowId, ownerId)) {
        const execution = await tx.lockExecution(id);
        if (execution && !isExecutionFinished(execution.status)) await cancelLocked(tx, id, effects);
      }
      return effects;
    });
    if (result.handled) {
      await runEffects(this.deps, result.value);
      this.deps.logger.info({ workflowId, canceled: result.value.messages.length }, 'workflow deleted: executions canceled');
    }
  }
}

async function cancelLocked(tx: ExecutionTx, id: string, effects: Effects): Promise<Effects> {
  const now = new Date();
  const steps = await tx.steps(id);
  const open = steps.filter((s) => ACTIVE_STEP_STATUSES.has(s.status));
  effects.removeJobs.push(...open.filter((s) => ENQUEUED_STEP_STATUSES.has(s.status) && s.jobId).map((s) => s.jobId!));
  await tx.updateSteps(
    id,
    open.map((s) => s.nodeId),
    { status: 'canceled', finishedAt: now, runToken: null },
  );
  await tx.updateExecution(id, { status: 'canceled', finishedAt: now });
  effects.messages.push({ kind: 'final', executionId: id, status: 'canceled', error: 'execution canceled' });
  effects.finished = 'canceled';
  return effects;
}
