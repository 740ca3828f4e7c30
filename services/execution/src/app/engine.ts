import type { WebhookResponseMessage } from '@flowgenie/contracts';
import type { Logger } from '@flowgenie/platform';
import { answersACaller, durationMs, type Execution, type Step } from '../domain/execution';
import { lastOutput, planNext } from '../domain/plan';
import { retryJobId, stepJobId, type StepJobData } from '../domain/step-job';
import type { ExecutionMetrics } from '../ports/execution-metrics';
import type { ExecutionFinish, ExecutionTx } from '../ports/execution-store';
import type { StepJob, StepQueue } from '../ports/step-queue';
import type { WebhookResponder } from '../ports/webhook-responder';

/** Work that must wait for the transaction to commit (a job must never run before its row). */
export interface Effects {
  jobs: StepJob[];
  removeJobs: string[];
  messages: WebhookResponseMessage[];
  finished?: 'succeeded' | 'failed' | 'canceled';
  /** The execution's steps as the planner left them (set by {@link advance}). */
  steps?: Step[];
}

export const noEffects = (): Effects => ({ jobs: [], removeJobs: [], messages: [] });

export interface EngineDeps {
  queue: StepQueue;
  responder: WebhookResponder;
  metrics: ExecutionMetrics;
  logger: Logger;
}

/** A job that runs `step` (attempts left = its policy minus `attemptOffset`). */
export function jobFor(
  execution: Pick<Execution, 'id' | 'correlationId'>,
  step: Pick<Step, 'nodeId' | 'type' | 'retryPolicy'>,
  jobId: string,
  extra: Partial<Pick<StepJobData, 'attemptOffset' | 'resumed'>> & { delayMs?: number } = {},
): StepJob {
  const offset = extra.attemptOffset ?? 0;
  return {
    jobId,
    data: {
      executionId: execution.id,
      nodeId: step.nodeId,
      type: step.type,
      correlationId: execution.correlationId,
      ...(offset ? { attemptOffset: offset } : {}),
      ...(extra.resumed ? { resumed: true } : {}),
    },
    attempts: Math.max(1, step.retryPolicy.attempts - offset),
    backoff: step.retryPolicy.backoff,
    ...(extra.delayMs ? { delayMs: extra.delayMs } : {}),
  };
}

/** Job id of a step the planner queues in the execution's current run (first run or retry n). */
export const plannedJobId = (execution: Pick<Execution, 'id' | 'retries'>, nodeId: string) =>
  execution.retries > 0
    ? retryJobId(execution.id, nodeId, execution.retries)
    : stepJobId(execution.id, nodeId);

/**
 * Ready steps of an in-memory node type (transform, if, respond) that the job running `jobId`
 * takes on itself: they are queued under its id, and it runs them after its commit instead of
 * leaving each to a job of its own.
 */
export interface ChainOptions {
  jobId: string;
  inMemory(type: string): boolean;
}

/**
 * The planner's changes to `current`, without I/O: ready steps queued (their jobs added to
 * `effects`, or chained under `opts.chain`), unreachable ones skipped; `steps` as they now stand,
 * `changed` those to write (with `written`), `finish` the execution's end when nothing is left.
 */
export function planSteps(
  execution: Execution,
  current: Step[],
  effects: Effects,
  now: Date,
  opts: { chain?: ChainOptions; written?: Step[] } = {},
): {
  steps: Step[];
  changed: Step[];
  finish?: ExecutionFinish & { status: 'succeeded' | 'failed' };
} {
  const byId = new Map(current.map((s) => [s.nodeId, s]));
  const plan = planNext(execution.graph, [...byId.values()]);
  const changed = new Map((opts.written ?? []).map((s) => [s.nodeId, s]));
  const change = (step: Step) => {
    byId.set(step.nodeId, step);
    changed.set(step.nodeId, step);
  };
  for (const nodeId of plan.skip)
    change({ ...byId.get(nodeId)!, status: 'skipped', finishedAt: now });
  for (const nodeId of plan.queue) {
    const step = byId.get(nodeId)!;
    const chained = opts.chain?.inMemory(step.type) === true;
    const jobId = chained ? opts.chain!.jobId : plannedJobId(execution, nodeId);
    change({ ...step, status: 'queued', jobId, attempts: 0, error: null });
    if (!chained) effects.jobs.push(jobFor(execution, step, jobId));
  }
  return {
    steps: [...byId.values()],
    changed: [...changed.values()],
    ...(plan.finish ? { finish: { ...plan.finish, finishedAt: now } } : {}),
  };
}

/**
 * Applies the planner to the execution inside `tx` (its row locked): queues ready steps, skips
 * unreachable ones, and finishes the execution when nothing is left, appending
 * execution.succeeded/failed to the outbox. `written` are step rows the caller changed (already
 * in `current`): they are saved with the planner's changes in one statement. `insert`: `current`
 * are new rows not written yet (a starting execution): they are inserted as the planner leaves
 * them, one statement instead of an insert and an update. Returns what to do after commit, and
 * the steps as they now stand (`effects.steps`).
 */
export async function advance(
  tx: ExecutionTx,
  execution: Execution,
  effects: Effects,
  now = new Date(),
  /** The execution's steps as they stand in `tx`, when the caller has them (saves a read). */
  current?: Step[],
  opts: { chain?: ChainOptions; written?: Step[]; insert?: boolean } = {},
): Promise<Effects> {
  const { steps, changed, finish } = planSteps(
    execution,
    current ?? (await tx.steps(execution.id)),
    effects,
    now,
    opts,
  );
  if (opts.insert) {
    await tx.insertSteps(steps);
    if (finish) await tx.updateExecution(execution.id, finish);
  } else await tx.saveSteps(execution.id, changed, finish);
  effects.steps = steps;
  if (finish) {
    const { status, error } = finish;
    const base = {
      executionId: execution.id,
      workflowId: execution.workflowId,
      ownerId: execution.ownerId,
      finishedAt: now.toISOString(),
      durationMs: durationMs(execution.startedAt ?? execution.createdAt, now) ?? 0,
    };
    if (status === 'succeeded') await tx.emit('execution.succeeded', base);
    else await tx.emit('execution.failed', { ...base, error: error ?? { message: 'failed' } });
    tellWaitingCaller(effects, execution, {
      status,
      ...(error ? { error: error.message } : {}),
      output: lastOutput(steps, execution.triggerNodeId),
    });
    effects.finished = status;
  }
  return effects;
}

/**
 * Queues the final status for the webhook caller waiting on this execution, if one may be (see
 * {@link answersACaller}); other runs publish nothing, since nobody listens.
 */
export function tellWaitingCaller(
  effects: Effects,
  execution: Pick<Execution, 'id' | 'graph' | 'triggerNodeId'>,
  final: Omit<Extract<WebhookResponseMessage, { kind: 'final' }>, 'kind' | 'executionId'>,
): void {
  if (answersACaller(execution))
    effects.messages.push({ kind: 'final', executionId: execution.id, ...final });
}

/**
 * Runs the after-commit work: removed jobs, the answers for a waiting caller, then the jobs. An enqueue failure is logged (the reaper re-drives the
 * execution later) or, with `throwOnEnqueueError`, thrown so the caller's message is redelivered.
 */
export async function runEffects(
  deps: EngineDeps,
  effects: Effects,
  opts: { throwOnEnqueueError?: boolean } = {},
): Promise<void> {
  if (effects.removeJobs.length) {
    await deps.queue
      .remove(effects.removeJobs)
      .catch((err) => deps.logger.warn({ err }, 'removing step jobs failed'));
  }
  // The answers before the jobs: a caller is answered as soon as the write is, and a failed
  // enqueue (thrown for a start, whose event is then delivered again and finds its rows written)
  // cannot keep an answer from going out.
  await deps.responder
    .publish(effects.messages)
    .catch((err) => deps.logger.warn({ err }, 'publishing webhook response failed'));
  if (effects.jobs.length) {
    try {
      await deps.queue.enqueue(effects.jobs);
    } catch (err) {
      if (opts.throwOnEnqueueError) throw err;
      deps.logger.error(
        { err, jobs: effects.jobs.map((j) => j.jobId) },
        'enqueueing steps failed; the reaper will re-drive them',
      );
    }
  }
  if (effects.finished) deps.metrics.executionFinished(effects.finished);
}
