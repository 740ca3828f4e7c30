import {
  ACTIVE_STEP_STATUSES,
  durationMs,
  ENQUEUED_STEP_STATUSES,
  isExecutionFinished,
  type Execution,
  type ExecutionDetail,
} from '../domain/execution';
import type { ExecutionStore, ExecutionTx } from '../ports/execution-store';
import { noEffects, runEffects, tellWaitingCaller, type EngineDeps, type Effects } from './engine';
import { ExecutionConflictError, ExecutionNotFoundError } from '../domain/errors';
import { CONSUMER } from './start-execution';

export interface CancelExecutionDeps extends EngineDeps {
  store: ExecutionStore;
}

/**
 * Cancels a queued or running execution: its unfinished steps become canceled, their queued
 * jobs are removed, and a step still running has its result discarded when it ends. History
 * (finished steps, their input and output) is kept. execution.canceled goes to the outbox in
 * the same transaction when it is written (a consumer routed to it, or EXECUTION_EVENTS=all).
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
      return cancelLocked(tx, execution, noEffects());
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
        if (execution && !isExecutionFinished(execution.status))
          await cancelLocked(tx, execution, effects);
      }
      return effects;
    });
    if (result.handled) {
      await runEffects(this.deps, result.value);
      this.deps.logger.info(
        { workflowId, canceled: result.value.messages.length },
        'workflow deleted: executions canceled',
      );
    }
  }
}

/** Cancels `execution` (its row locked by the caller) and announces it. */
async function cancelLocked(
  tx: ExecutionTx,
  execution: Execution,
  effects: Effects,
): Promise<Effects> {
  const { id } = execution;
  const now = new Date();
  const steps = await tx.steps(id);
  const open = steps.filter((s) => ACTIVE_STEP_STATUSES.has(s.status));
  effects.removeJobs.push(
    ...open.filter((s) => ENQUEUED_STEP_STATUSES.has(s.status) && s.jobId).map((s) => s.jobId!),
  );
  await tx.updateSteps(
    id,
    open.map((s) => s.nodeId),
    { status: 'canceled', finishedAt: now, runToken: null },
  );
  await tx.updateExecution(id, { status: 'canceled', finishedAt: now });
  await tx.emit(
    'execution.canceled',
    {
      executionId: id,
      workflowId: execution.workflowId,
      ownerId: execution.ownerId,
      finishedAt: now.toISOString(),
      durationMs: durationMs(execution.startedAt ?? execution.createdAt, now) ?? 0,
    },
    { correlationId: execution.correlationId },
  );
  tellWaitingCaller(effects, execution, { status: 'canceled', error: 'execution canceled' });
  effects.finished = 'canceled';
  return effects;
}
