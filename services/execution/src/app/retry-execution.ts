import type { ExecutionDetail } from '../domain/execution';
import { retryPlan } from '../domain/plan';
import { retryJobId } from '../domain/step-job';
import type { ExecutionStore } from '../ports/execution-store';
import { jobFor, noEffects, runEffects, type EngineDeps } from './engine';
import { ExecutionConflictError, ExecutionNotFoundError } from '../domain/errors';

export interface RetryExecutionDeps extends EngineDeps {
  store: ExecutionStore;
}

/**
 * Runs a failed execution again from where it failed: its failed steps go back to the queue
 * (new jobs, attempts counted afresh; the attempt log keeps the earlier ones), the steps
 * skipped below them are pending again, the rest keeps its results. execution.started is
 * emitted again so the catalog shows the run as running.
 */
export class RetryExecution {
  constructor(private readonly deps: RetryExecutionDeps) {}

  /** @throws ExecutionNotFoundError, ExecutionConflictError when the execution is not failed. */
  async execute(id: string, ownerId: string): Promise<ExecutionDetail> {
    const effects = await this.deps.store.transaction(async (tx) => {
      const execution = await tx.lockExecution(id);
      if (!execution || execution.ownerId !== ownerId) throw new ExecutionNotFoundError(id);
      if (execution.status !== 'failed') {
        throw new ExecutionConflictError(
          `only a failed execution can be retried; this one is ${execution.status}`,
        );
      }
      const steps = await tx.steps(id);
      const { rerun, reset } = retryPlan(execution.graph, steps);
      if (rerun.length === 0)
        throw new ExecutionConflictError('the execution has no failed step to retry');
      const now = new Date();
      const retries = execution.retries + 1;
      await tx.updateExecution(id, { status: 'running', error: null, finishedAt: null, retries });
      const effects = noEffects();
      for (const nodeId of rerun) {
        const jobId = retryJobId(id, nodeId, retries);
        await tx.updateSteps(id, [nodeId], {
          status: 'queued',
          attempts: 0,
          error: null,
          output: null,
          handle: null,
          startedAt: null,
          finishedAt: null,
          jobId,
          runToken: null,
        });
        effects.jobs.push(
          jobFor(
            execution,
            steps.find((s) => s.nodeId === nodeId)!,
            jobId,
          ),
        );
      }
      if (reset.length)
        await tx.updateSteps(id, reset, { status: 'pending', finishedAt: null, jobId: null });
      await tx.emit('execution.started', {
        executionId: id,
        workflowId: execution.workflowId,
        ownerId,
        version: execution.version,
        mode: execution.mode,
        startedAt: now.toISOString(),
      });
      return effects;
    });
    await runEffects(this.deps, effects);
    this.deps.logger.info(
      { executionId: id, steps: effects.jobs.map((j) => j.data.nodeId) },
      'execution retried',
    );
    return (await this.deps.store.findDetail(id, ownerId))!;
  }
}
