import { ENQUEUED_STEP_STATUSES } from '../domain/execution';
import { redriveJobId } from '../domain/step-job';
import type { ExecutionStore } from '../ports/execution-store';
import { advance, jobFor, noEffects, runEffects, type EngineDeps } from './engine';

export interface ReapExecutionsDeps extends EngineDeps {
  store: ExecutionStore;
  /** An execution unchanged this long, with no live job, is re-driven. */
  staleMs: number;
}

/**
 * The safety net under the queue: finds executions still running that have not changed for
 * `staleMs` and have no job waiting, delayed or active in the steps queue (an enqueue lost
 * after commit, a job failed by BullMQ's stall limit), and re-drives them: unfinished steps get
 * new jobs (attempts keep counting; a step whose last attempt was lost with its worker fails),
 * ready steps are enqueued, and an execution with nothing left finishes.
 */
export class ReapExecutions {
  constructor(private readonly deps: ReapExecutionsDeps) {}

  /** One pass; returns how many executions were re-driven. */
  async reapOnce(limit = 50): Promise<number> {
    const { store, queue, logger } = this.deps;
    const cutoff = new Date(Date.now() - this.deps.staleMs);
    let redriven = 0;
    for (const id of await store.stale(cutoff, limit)) {
      const steps = await store.steps(id);
      const jobIds = steps
        .filter((s) => ENQUEUED_STEP_STATUSES.has(s.status) && s.jobId)
        .map((s) => s.jobId!);
      if ((await queue.live(jobIds)).size > 0) continue;
      const effects = await store.transaction(async (tx) => {
        const execution = await tx.lockExecution(id);
        // Changed since we looked (a worker made progress): not stuck.
        if (!execution || execution.status !== 'running' || execution.updatedAt > cutoff)
          return undefined;
        const now = new Date();
        const effects = noEffects();
        for (const step of await tx.steps(id)) {
          if (!ENQUEUED_STEP_STATUSES.has(step.status)) continue;
          const log = step.attemptLog.map((e) =>
            e.finishedAt
              ? e
              : {
                  ...e,
                  finishedAt: now.toISOString(),
                  error: e.error ?? 'interrupted: the worker running it stopped',
                  code: e.code ?? 'interrupted',
                },
          );
          const lost = step.status === 'running';
          if (lost && step.attempts >= step.retryPolicy.attempts) {
            const error = {
              message: 'the worker running the last attempt stopped',
              code: 'worker_lost',
            };
            await tx.updateSteps(id, [step.nodeId], {
              status: 'failed',
              error,
              finishedAt: now,
              attemptLog: log,
              runToken: null,
            });
            continue;
          }
          const jobId = redriveJobId(id, step.nodeId, now.getTime());
          const waiting = step.status === 'waiting';
          await tx.updateSteps(id, [step.nodeId], {
            status: lost ? 'queued' : step.status,
            jobId,
            attemptLog: log,
            runToken: null,
          });
          effects.jobs.push(
            jobFor(execution, step, jobId, {
              attemptOffset: waiting ? Math.max(0, step.attempts - 1) : step.attempts,
              resumed: waiting,
              delayMs:
                waiting && step.resumeAt
                  ? Math.max(0, step.resumeAt.getTime() - now.getTime())
                  : undefined,
            }),
          );
        }
        return advance(tx, execution, effects, now);
      });
      if (!effects) continue;
      redriven += 1;
      logger.warn(
        { executionId: id, jobs: effects.jobs.map((j) => j.jobId), finished: effects.finished },
        'stuck execution re-driven',
      );
      await runEffects(this.deps, effects);
    }
    return redriven;
  }
}
