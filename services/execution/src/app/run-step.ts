import { randomUUID } from 'node:crypto';
import {
  PermanentStepError,
  RetryableStepError,
  isRetryableError,
  toStepErrorInfo,
  upstreamOf,
  type ExpressionEvaluator,
  type HttpPolicy,
  type NodeTypeRegistry,
  type StepResult,
} from '@flowgenie/workflow';
import {
  ENQUEUED_STEP_STATUSES,
  type AttemptLogEntry,
  type Execution,
  type Step,
  type StepError,
} from '../domain/execution';
import { resumeJobId, type StepJobData } from '../domain/step-job';
import type { StepConnectionsFor } from '../ports/connections';
import type { ExecutionStore, ExecutionTx, StepPatch } from '../ports/execution-store';
import { inlineTriggerPayloads, type TriggerPayloads } from '../ports/trigger-payloads';
import { advance, jobFor, noEffects, runEffects, type Effects, type EngineDeps } from './engine';
import { runNode } from './steps/run-node';

export interface RunStepDeps extends EngineDeps {
  store: ExecutionStore;
  registry: Pick<NodeTypeRegistry, 'get'>;
  http: HttpPolicy;
  expressionTimeoutMs: number;
  /** Where expressions run. @default the calling thread */
  expressions?: ExpressionEvaluator;
  /** Reads trigger payloads stored by reference. @default inline payloads only */
  payloads?: TriggerPayloads;
  /** Credentials of the workflow owner's connections (integration steps, HTTP with a connection). */
  connections?: StepConnectionsFor;
}

/** The queue's view of the job being run. */
export interface StepJobRun {
  jobId: string;
  data: StepJobData;
  /** Attempts this job made before (the queue's own count). */
  attemptsMade: number;
  /** Attempts this job may make in all. */
  maxAttempts: number;
}

/**
 * How the queue should treat the job: `done` (finished, waiting or discarded), `retry` (fail
 * this attempt; the queue tries again after its backoff), `failed` (fail the job for good).
 */
export type RunStepOutcome =
  | { kind: 'done'; status: 'succeeded' | 'waiting' | 'discarded' }
  | { kind: 'retry'; error: unknown }
  | { kind: 'failed'; error: unknown };

/**
 * Runs one attempt of one step: claims it (execution running, job still the step's owner),
 * resolves its input from the trigger payload and the upstream steps' outputs, runs the node
 * type, stores input/output/error/timing, and lets the planner enqueue the next steps or finish
 * the execution. A result that arrives after the execution was canceled, or after another
 * worker took the step over, is discarded.
 */
export class RunStep {
  constructor(private readonly deps: RunStepDeps) {}

  async execute(job: StepJobRun): Promise<RunStepOutcome> {
    const { store } = this.deps;
    const { executionId, nodeId } = job.data;
    const token = randomUUID();
    const startedAt = new Date();
    const log = this.deps.logger.child({ executionId, nodeId });

    // The attempt is committed before the node runs, so one cut short by a crash (its request
    // possibly sent) stays in the step's history and its attempt count.
    const lostEffects = noEffects();
    const claim = await store.transaction(async (tx) => {
      const execution = await tx.lockExecution(executionId);
      if (!execution || execution.status !== 'running') return undefined;
      const steps = await tx.steps(executionId);
      const step = steps.find((s) => s.nodeId === nodeId);
      if (!step || step.jobId !== job.jobId || !ENQUEUED_STEP_STATUSES.has(step.status))
        return undefined;
      const attempt = attemptNumber(job, step);
      const attemptLog = closeInterrupted(step.attemptLog, startedAt);
      if (step.status === 'running' && attempt > step.retryPolicy.attempts) {
        // The worker running the last attempt the policy allows died: no attempt beyond it
        // (the reaper decides the same), so a request is never sent more often than allowed.
        const failed = {
          status: 'failed' as const,
          error: WORKER_LOST,
          attemptLog,
          runToken: null,
          finishedAt: startedAt,
        };
        await tx.updateSteps(executionId, [nodeId], failed);
        await advance(tx, execution, lostEffects, startedAt, withPatch(steps, nodeId, failed));
        return { lost: true as const, type: step.type };
      }
      attemptLog.push({ attempt, startedAt: startedAt.toISOString(), finishedAt: null });
      await tx.updateSteps(executionId, [nodeId], {
        status: 'running',
        attempts: attempt,
        runToken: token,
        startedAt: step.startedAt ?? startedAt,
        finishedAt: null,
        resumeAt: null,
        attemptLog,
      });
      return { lost: false as const, execution, step: { ...step, attemptLog }, steps, attempt };
    });
    if (!claim) {
      log.debug({ jobId: job.jobId }, 'stale step job discarded');
      return { kind: 'done', status: 'discarded' };
    }
    if (claim.lost) {
      this.deps.metrics.stepFinished(claim.type, 'failed', 0);
      await runEffects(this.deps, lostEffects);
      log.warn({ code: WORKER_LOST.code }, 'step failed: its last allowed attempt was interrupted');
      return {
        kind: 'failed',
        error: new PermanentStepError(WORKER_LOST.message, { code: WORKER_LOST.code }),
      };
    }

    const { execution, step, attempt } = claim;
    log.info({ type: step.type, attempt }, 'step started');
    const node = execution.graph.nodes.find((n) => n.id === nodeId);
    const nodeType = this.deps.registry.get(step.type);
    const input = node && nodeType ? await this.inputOf(execution, claim.steps, nodeId) : undefined;
    const run =
      input && 'error' in input
        ? { input: null, error: input.error }
        : node && nodeType && input
          ? await runNode({
              nodeType,
              node,
              input: input.data,
              executionId,
              attempt,
              resumed: job.data.resumed === true,
              timeoutMs: step.retryPolicy.timeoutMs,
              expressionTimeoutMs: this.deps.expressionTimeoutMs,
              expressions: this.deps.expressions,
              http: this.deps.http,
              logger: log,
              connections: this.deps.connections?.(execution.ownerId),
              // Every entry before this attempt's own (the last), earlier rounds included: after
              // a manual retry the count restarts at 1, but what those attempts did still counts.
              previousAttempts: step.attemptLog
                .slice(0, -1)
                .map((e) => ({ attempt: e.attempt, errorCode: e.code })),
            })
          : {
              input: null,
              error: new PermanentStepError(`unknown node type "${step.type}"`, {
                code: 'unknown_node_type',
              }),
            };

    const finishedAt = new Date();
    const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
    const final =
      run.error !== undefined &&
      (!isRetryableError(run.error) ||
        job.attemptsMade + 1 >= job.maxAttempts ||
        attempt >= step.retryPolicy.attempts);
    const effects = noEffects();
    const status = await store.transaction(async (tx) => {
      const current = await tx.lockExecution(executionId);
      const steps = await tx.steps(executionId);
      const now = steps.find((s) => s.nodeId === nodeId);
      if (
        !current ||
        current.status !== 'running' ||
        !now ||
        now.status !== 'running' ||
        now.runToken !== token
      )
        return 'discarded' as const;
      if (run.result)
        return this.storeSuccess(
          tx,
          current,
          steps,
          now,
          run.input,
          run.result,
          attempt,
          finishedAt,
          effects,
        );
      const error = errorOf(run.error);
      const attemptLog = closeAttempt(now.attemptLog, attempt, finishedAt, error);
      if (!final) {
        await tx.updateSteps(executionId, [nodeId], {
          status: 'retrying',
          input: run.input,
          error,
          attemptLog,
          runToken: null,
        });
        return 'retrying' as const;
      }
      const failed = {
        status: 'failed' as const,
        input: run.input,
        error,
        attemptLog,
        runToken: null,
        finishedAt,
      };
      await tx.updateSteps(executionId, [nodeId], failed);
      await advance(tx, current, effects, finishedAt, withPatch(steps, nodeId, failed));
      return 'failed' as const;
    });

    this.deps.metrics.stepFinished(step.type, status, seconds);
    if (status === 'discarded') {
      log.info('step result discarded (execution canceled or step taken over)');
      return { kind: 'done', status: 'discarded' };
    }
    if (status === 'succeeded' && run.result?.webhookResponse) {
      const { status: code, headers, body } = run.result.webhookResponse;
      effects.messages.unshift({
        kind: 'respond',
        executionId,
        status: code,
        headers: headers ?? {},
        body,
      });
    }
    await runEffects(this.deps, effects);
    if (status === 'succeeded' || status === 'waiting') {
      log.info({ ms: Math.round(seconds * 1000), status }, `step ${status}`);
      return { kind: 'done', status };
    }
    const info = toStepErrorInfo(run.error);
    if (status === 'retrying') {
      log.warn({ err: info.message, code: info.code }, 'step attempt failed; will retry');
      return { kind: 'retry', error: run.error };
    }
    log.warn({ err: info.message, code: info.code }, 'step failed');
    return { kind: 'failed', error: run.error };
  }

  private async storeSuccess(
    tx: ExecutionTx,
    execution: Execution,
    steps: Step[],
    step: Step,
    input: unknown,
    result: StepResult,
    attempt: number,
    finishedAt: Date,
    effects: Effects,
  ): Promise<'succeeded' | 'waiting'> {
    // A wait is not the attempt's end: its entry says so (`waited`), so the attempt that follows
    // knows this part did nothing.
    const attemptLog = closeAttempt(
      step.attemptLog,
      attempt,
      finishedAt,
      result.delayUntil !== undefined ? { code: 'waited' } : undefined,
    );
    if (result.delayUntil !== undefined) {
      const jobId = resumeJobId(execution.id, step.nodeId, result.delayUntil);
      const resumeAt = new Date(result.delayUntil);
      await tx.updateSteps(execution.id, [step.nodeId], {
        status: 'waiting',
        input,
        attemptLog,
        resumeAt,
        jobId,
        runToken: null,
        error: null,
      });
      effects.jobs.push(
        jobFor(execution, step, jobId, {
          attemptOffset: attempt - 1,
          resumed: true,
          delayMs: Math.max(0, result.delayUntil - Date.now()),
        }),
      );
      return 'waiting';
    }
    const succeeded = {
      status: 'succeeded' as const,
      input,
      output: result.output ?? null,
      handle: result.handle ?? 'main',
      error: null,
      attemptLog,
      runToken: null,
      finishedAt,
    };
    await tx.updateSteps(execution.id, [step.nodeId], succeeded);
    await advance(tx, execution, effects, finishedAt, withPatch(steps, step.nodeId, succeeded));
    return 'succeeded';
  }

  /**
   * `{trigger, steps}`: the payload and the outputs of the steps upstream of `nodeId` that
   * succeeded. A payload stored by reference is read here (the trigger step's own output is then
   * that payload too); when it cannot be read the step fails: for good when it expired, as a
   * retryable attempt when the store is unreachable.
   */
  private async inputOf(
    execution: Execution,
    steps: Step[],
    nodeId: string,
  ): Promise<{ data: { trigger: unknown; steps: Record<string, unknown> } } | { error: unknown }> {
    let trigger: unknown = execution.triggerPayload;
    if (execution.triggerPayloadRef) {
      try {
        trigger = await (this.deps.payloads ?? inlineTriggerPayloads).resolve({
          payloadRef: execution.triggerPayloadRef,
        });
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const message = `trigger payload not readable: ${(err as Error).message}`;
        return {
          error:
            code === 'payload_expired' || code === 'payload_store_missing'
              ? new PermanentStepError(message, { code: String(code) })
              : new RetryableStepError(message, { code: 'payload_unavailable' }),
        };
      }
    }
    const upstream = new Set(upstreamOf(execution.graph, nodeId));
    const outputs: Record<string, unknown> = {};
    for (const s of steps)
      if (upstream.has(s.nodeId) && s.status === 'succeeded') outputs[s.nodeId] = s.output;
    if (execution.triggerPayloadRef && upstream.has(execution.triggerNodeId))
      outputs[execution.triggerNodeId] = trigger;
    return { data: { trigger, steps: outputs } };
  }
}

const WORKER_LOST: StepError = {
  message: 'the worker running the last attempt stopped',
  code: 'worker_lost',
};

/**
 * The number of the attempt this job makes. The queue's own count misses an attempt whose
 * worker died (a stalled job runs again with the same count, and so do its later retries), so
 * it follows the attempts recorded on the step; a delay's resume job continues its attempt.
 */
function attemptNumber(job: StepJobRun, step: Step): number {
  const counted = (job.data.attemptOffset ?? 0) + job.attemptsMade + 1;
  if (job.data.resumed && step.status === 'waiting') return counted;
  return Math.max(counted, step.attempts + 1);
}

function errorOf(error: unknown): StepError {
  const info = toStepErrorInfo(error);
  return {
    message: info.message,
    code: info.code,
    ...(info.status !== undefined ? { status: info.status } : {}),
  };
}

/** `steps` with the patch just written to one of them (what a re-read in the same transaction returns, for the planner). */
function withPatch(steps: Step[], nodeId: string, patch: StepPatch): Step[] {
  return steps.map((s) => (s.nodeId === nodeId ? { ...s, ...patch } : s));
}

/** An attempt left open belonged to a worker that stopped mid-step. */
function closeInterrupted(log: AttemptLogEntry[], at: Date): AttemptLogEntry[] {
  return log.map((e) =>
    e.finishedAt
      ? e
      : {
          ...e,
          finishedAt: at.toISOString(),
          error: e.error ?? 'interrupted: the worker running it stopped',
          code: e.code ?? 'interrupted',
        },
  );
}

function closeAttempt(
  log: AttemptLogEntry[],
  attempt: number,
  at: Date,
  error?: StepError | { code: string },
): AttemptLogEntry[] {
  const out = [...log];
  for (let i = out.length - 1; i >= 0; i -= 1) {
    if (out[i].attempt === attempt && !out[i].finishedAt) {
      out[i] = {
        ...out[i],
        finishedAt: at.toISOString(),
        ...(error && 'message' in error ? { error: error.message } : {}),
        ...(error?.code ? { code: error.code } : {}),
      };
      break;
    }
  }
  return out;
}
