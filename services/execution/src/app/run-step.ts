import { randomUUID } from 'node:crypto';
import type { WebhookResponseMessage } from '@flowgenie/contracts';
import { isDependencyUnavailable, type Logger } from '@flowgenie/platform';
import {
  PermanentStepError,
  RetryableStepError,
  isRetryableError,
  retryDelayMs,
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
import { inGraphOrder, planNext } from '../domain/plan';
import { resumeJobId, type StepJobData } from '../domain/step-job';
import type { StepConnectionsFor } from '../ports/connections';
import type {
  ChainWrites,
  ExecutionStore,
  ExecutionTx,
  StartEvent,
  StepPatch,
} from '../ports/execution-store';
import type { ChainedStart } from '../ports/first-chain';
import type { StartHandoff } from '../ports/start-handoff';
import { inlineTriggerPayloads, type TriggerPayloads } from '../ports/trigger-payloads';
import type { StepJob } from '../ports/step-queue';
import {
  advance,
  jobFor,
  noEffects,
  plannedJobId,
  runEffects,
  type ChainOptions,
  type Effects,
  type EngineDeps,
} from './engine';
import { runNode, type NodeRun } from './steps/run-node';

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
  /** What this process's start just wrote (see StartHandoff). @default always read */
  handoff?: StartHandoff;
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
 *
 * Steps of an in-memory node type (transform, if, respond: see `inMemory`) skip the claim: the
 * job runs its step and every in-memory step that becomes ready after it (a chain), then
 * records them all at once (one statement if the execution is unchanged since read, else one
 * transaction). Nothing is written before, so a crash runs the chain
 * again, which they allow; a respond step ends a write so its answer goes out at once. A step
 * with effects (HTTP, integrations, delay) keeps its own job with a record before and after,
 * and the in-memory steps ready after it are queued under that job and chained once it is
 * recorded (a job that finds them queued under its id after a crash picks up from there).
 */
export class RunStep {
  private readonly chain: ChainOptions['inMemory'] = (type) =>
    this.deps.registry.get(type)?.inMemory === true;

  constructor(private readonly deps: RunStepDeps) {}

  async execute(job: StepJobRun): Promise<RunStepOutcome> {
    const { executionId, nodeId } = job.data;
    const log = this.deps.logger.child({ executionId, nodeId });
    // What the start of this process wrote, if it just did (taken either way, so it is not kept).
    const handed = this.deps.handoff?.take(executionId);
    if (job.data.type !== undefined && !this.chain(job.data.type)) return this.runClaimed(job);
    const seen = handed ?? (await this.deps.store.findDetail(executionId));
    const step = seen?.steps.find((s) => s.nodeId === nodeId);
    // A step with effects, or one a worker of an older version had claimed, runs claimed.
    if (
      seen?.status === 'running' &&
      step?.jobId === job.jobId &&
      ENQUEUED_STEP_STATUSES.has(step.status) &&
      (!this.chain(step.type) || step.status === 'running')
    )
      return this.runClaimed(job);
    if (!seen || seen.status !== 'running' || !seen.steps.some((s) => this.owns(job, s))) {
      log.debug({ jobId: job.jobId }, 'stale step job discarded');
      return { kind: 'done', status: 'discarded' };
    }
    return this.runChain(job, seen, seen.steps, seen.revision);
  }

  /** The step is an in-memory one queued under this job (its own step, or one chained after it). */
  private owns(job: StepJobRun, step: Step): boolean {
    return (
      step.jobId === job.jobId &&
      (step.status === 'queued' || step.status === 'retrying') &&
      this.chain(step.type)
    );
  }

  /** A step with effects: its attempt is recorded before it runs and its result after. */
  private async runClaimed(job: StepJobRun): Promise<RunStepOutcome> {
    const { store } = this.deps;
    const { executionId, nodeId } = job.data;
    const log = this.deps.logger.child({ executionId, nodeId });
    const token = randomUUID();
    const startedAt = new Date();

    // The attempt is committed before the node runs, so one cut short by a crash (its request
    // possibly sent) stays in the step's history and its attempt count.
    const lostEffects = noEffects();
    const claim = await store.transaction(async (tx) => {
      const execution = await tx.lockExecution(executionId);
      if (!execution || execution.status !== 'running') return undefined;
      const steps = await tx.steps(executionId);
      const step = steps.find((s) => s.nodeId === nodeId);
      if (!step || step.jobId !== job.jobId || !ENQUEUED_STEP_STATUSES.has(step.status))
        return { kind: 'stale' as const, execution, steps };
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
        return { kind: 'lost' as const, type: step.type };
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
      return {
        kind: 'claimed' as const,
        execution,
        step: { ...step, attemptLog },
        steps,
        attempt,
      };
    });
    if (!claim || claim.kind === 'stale') {
      // Recorded before a crash, with the in-memory steps after it queued under this job.
      if (claim?.steps.some((s) => this.owns(job, s)))
        return this.runChain(job, claim.execution, claim.steps);
      log.debug({ jobId: job.jobId }, 'stale step job discarded');
      return { kind: 'done', status: 'discarded' };
    }
    if (claim.kind === 'lost') {
      this.deps.metrics.stepFinished(claim.type, 'failed', 0);
      await runEffects(this.deps, lostEffects);
      log.warn({ code: WORKER_LOST.code }, 'step failed: its last allowed attempt was interrupted');
      return {
        kind: 'failed',
        error: new PermanentStepError(WORKER_LOST.message, { code: WORKER_LOST.code }),
      };
    }

    const { execution, step, attempt } = claim;
    log.debug({ type: step.type, attempt }, 'step started');
    const run = await this.runOne(execution, claim.steps, step, attempt, job.data.resumed, log);

    const finishedAt = new Date();
    const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
    const final =
      run.error !== undefined &&
      (!isRetryableError(run.error) ||
        job.attemptsMade + 1 >= job.maxAttempts ||
        attempt >= step.retryPolicy.attempts);
    const effects = noEffects();
    const chain = { jobId: job.jobId, inMemory: this.chain };
    let recorded: Execution | undefined;
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
      recorded = current;
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
          chain,
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
      const after = withPatch(steps, nodeId, failed);
      await advance(tx, current, effects, finishedAt, after, {
        chain,
        written: after.filter((s) => s.nodeId === nodeId),
      });
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
    // In-memory steps ready after this one were queued under this job: run them now.
    if (recorded && effects.steps?.some((s) => this.owns(job, s)))
      await this.runChain(job, recorded, effects.steps);
    if (status === 'succeeded' || status === 'waiting') {
      log.debug({ ms: Math.round(seconds * 1000), status }, `step ${status}`);
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

  /**
   * Runs the in-memory steps queued under this job, and those that become ready after them,
   * recording each run of them (a segment) at once: in one statement when nothing changed since
   * the steps were read, else in one transaction. A respond step ends a segment,
   * so the caller gets its answer as soon as it is recorded.
   */
  private async runChain(
    job: StepJobRun,
    execution: Execution,
    steps: Step[],
    /** The change marker `steps` were read at (the first segment's). */
    revision?: string,
  ): Promise<RunStepOutcome> {
    let outcome: RunStepOutcome = { kind: 'done', status: 'succeeded' };
    let current = steps;
    let since = revision;
    while (current.some((s) => this.owns(job, s))) {
      const segment = await this.runSegment(job, execution, current);
      const read = current;
      const chain = { jobId: job.jobId, inMemory: this.chain };
      const written = [...segment.written.values()];
      // Still pending or queued under this job when they were read.
      const fits = (fresh: Step[]) =>
        written.every((step) => {
          const now = fresh.find((s) => s.nodeId === step.nodeId);
          return now !== undefined && (now.status === 'pending' || this.owns(job, now));
        });
      const merge = (fresh: Step[]) => fresh.map((s) => segment.written.get(s.nodeId) ?? s);
      // The segment's jobs, and what advancing adds (planned again if the one statement missed).
      const segmentEffects = () => {
        const planned = noEffects();
        planned.jobs.push(...segment.jobs);
        return planned;
      };
      let effects = segmentEffects();
      let recorded: Execution | undefined;
      let stamped: string | undefined;
      if (since !== undefined && fits(read)) {
        // Planned on the steps as read and sent in one statement that writes only if nothing
        // changed since; else the transaction below decides on the rows as they are.
        const writes: ChainWrites = { steps: [], events: [] };
        await advance(collectingTx(writes), execution, effects, new Date(), merge(read), {
          chain,
          written,
        });
        stamped = await this.deps.store.recordIfUnchanged(execution.id, since, writes);
        if (stamped !== undefined) recorded = execution;
        else effects = segmentEffects();
      }
      recorded ??= await this.deps.store.transaction(async (tx) => {
        const locked = await tx.lockExecution(execution.id, since);
        if (!locked || locked.status !== 'running') return undefined;
        // Unchanged since the chain read them (every write to the steps stamps the row under
        // this lock): no second read.
        const fresh = locked.unchanged ? read : await tx.steps(execution.id);
        if (!fits(fresh)) return undefined;
        await advance(tx, locked, effects, new Date(), merge(fresh), { chain, written });
        return locked;
      });
      this.settleRuns(segment.ran, recorded !== undefined);
      if (!recorded) {
        this.deps.logger
          .child({ executionId: execution.id, nodeId: job.data.nodeId })
          .info('step results discarded (execution canceled or steps taken over)');
        return { kind: 'done', status: 'discarded' };
      }
      if (segment.respond) effects.messages.unshift(segment.respond);
      await runEffects(this.deps, effects);
      if (segment.retry !== undefined) return { kind: 'retry', error: segment.retry };
      if (segment.failed !== undefined) outcome = { kind: 'failed', error: segment.failed };
      execution = recorded;
      current = effects.steps ?? [];
      // One statement: its marker is the next segment's; a transaction: read again.
      since = stamped;
    }
    return outcome;
  }

  /**
   * The in-memory steps a start of this process queued under `job`, run before the start is
   * written (none of the execution is stored yet): what they did and what the planner makes of
   * it, for the start to write with its own rows (see FirstChains). They run as the job would
   * run them, except that a retry gets a delayed job of its own (there is no queue job to retry).
   * Steps left queued under the job (after a respond step) are run by that job after the write.
   */
  async chainBeforeStart(execution: Execution, steps: Step[], job: StepJob): Promise<ChainedStart> {
    const run: StepJobRun = {
      jobId: job.jobId,
      // No step is the job's own: each counts its attempts from its row.
      data: { ...job.data, nodeId: '' },
      attemptsMade: 0,
      maxAttempts: job.attempts,
    };
    const segment = await this.runSegment(run, execution, steps);
    const effects = noEffects();
    effects.jobs.push(...segment.jobs);
    const writes: ChainWrites = { steps: [], events: [] };
    const now = new Date();
    await advance(
      collectingTx(writes),
      execution,
      effects,
      now,
      steps.map((s) => segment.written.get(s.nodeId) ?? s),
      { chain: { jobId: job.jobId, inMemory: this.chain }, written: [...segment.written.values()] },
    );
    const after = effects.steps ?? [];
    // Steps queued under the job and not run (after a respond step): the job runs them. A step
    // retrying under the same id has its own delayed job in `segment.jobs` already.
    if (after.some((s) => s.status === 'queued' && this.owns(run, s))) effects.jobs.push(job);
    if (segment.respond) effects.messages.unshift(segment.respond);
    return {
      execution: writes.finish ? { ...execution, ...writes.finish } : execution,
      steps: after,
      events: writes.events,
      jobs: effects.jobs,
      messages: effects.messages,
      settle: (written) => this.settleRuns(segment.ran, written),
    };
  }

  /** The metrics of steps a chain ran once their write is decided, and their log lines if written. */
  private settleRuns(ran: ChainedRun[], written: boolean): void {
    for (const r of ran) {
      this.deps.metrics.stepFinished(r.step.type, written ? r.outcome : 'discarded', r.seconds);
      if (written) logResult(r.log, r.step, r.outcome, r.seconds, r.error);
    }
  }

  /** Runs the in-memory steps of one segment; nothing is written here. */
  private async runSegment(job: StepJobRun, execution: Execution, steps: Step[]) {
    const byId = new Map(steps.map((s) => [s.nodeId, s]));
    const work = inGraphOrder(
      execution.graph,
      steps.filter((s) => this.owns(job, s)),
    );
    const segment = {
      written: new Map<string, Step>(),
      jobs: [] as StepJob[],
      ran: [] as ChainedRun[],
      respond: undefined as WebhookResponseMessage | undefined,
      retry: undefined as unknown,
      failed: undefined as unknown,
    };
    while (work.length > 0) {
      const step = work.shift()!;
      const own = step.nodeId === job.data.nodeId;
      const log = this.deps.logger.child({ executionId: execution.id, nodeId: step.nodeId });
      const startedAt = new Date();
      const attempt = own ? attemptNumber(job, step) : step.attempts + 1;
      const attemptLog = closeInterrupted(step.attemptLog, startedAt);
      attemptLog.push({ attempt, startedAt: startedAt.toISOString(), finishedAt: null });
      log.debug({ type: step.type, attempt }, 'step started');
      const run = await this.runOne(
        execution,
        [...byId.values()],
        { ...step, attemptLog },
        attempt,
        false,
        log,
      );
      const finishedAt = new Date();
      const base: Step = {
        ...step,
        attempts: attempt,
        input: run.input,
        startedAt: step.startedAt ?? startedAt,
        runToken: null,
        resumeAt: null,
      };
      const error =
        run.result?.delayUntil !== undefined
          ? new PermanentStepError(`node type "${step.type}" runs in memory and cannot wait`, {
              code: 'invalid_node_type',
            })
          : run.error;
      let next: Step;
      let outcome: ChainedRun['outcome'];
      if (run.result && error === undefined) {
        outcome = 'succeeded';
        next = {
          ...base,
          status: 'succeeded',
          output: run.result.output ?? null,
          handle: run.result.handle ?? 'main',
          error: null,
          attemptLog: closeAttempt(attemptLog, attempt, finishedAt),
          finishedAt,
        };
      } else {
        const stepError = errorOf(error);
        const closed = closeAttempt(attemptLog, attempt, finishedAt, stepError);
        const final =
          !isRetryableError(error) ||
          attempt >= step.retryPolicy.attempts ||
          (own && job.attemptsMade + 1 >= job.maxAttempts);
        if (final) {
          outcome = 'failed';
          next = { ...base, status: 'failed', error: stepError, attemptLog: closed, finishedAt };
          if (own) segment.failed = error;
        } else {
          // The job's own step retries with the job (the queue's backoff); a chained one gets
          // a job of its own that starts after the same backoff.
          outcome = 'retrying';
          const jobId = own ? job.jobId : plannedJobId(execution, step.nodeId);
          next = { ...base, status: 'retrying', error: stepError, attemptLog: closed, jobId };
          if (own) segment.retry = error;
          else
            segment.jobs.push(
              jobFor(execution, step, jobId, {
                attemptOffset: attempt,
                delayMs: Math.max(1, retryDelayMs(step.retryPolicy, attempt, error)),
              }),
            );
        }
      }
      byId.set(next.nodeId, next);
      segment.written.set(next.nodeId, next);
      const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
      segment.ran.push({ step: next, outcome, seconds, error, log });
      const response = outcome === 'succeeded' ? run.result?.webhookResponse : undefined;
      if (response) {
        segment.respond = {
          kind: 'respond',
          executionId: execution.id,
          status: response.status,
          headers: response.headers ?? {},
          body: response.body,
        };
        break;
      }
      for (const id of planNext(execution.graph, [...byId.values()]).queue) {
        const ready = byId.get(id)!;
        if (ready.status !== 'pending' || !this.chain(ready.type)) continue;
        const queued: Step = {
          ...ready,
          status: 'queued',
          jobId: job.jobId,
          attempts: 0,
          error: null,
        };
        byId.set(id, queued);
        work.push(queued);
      }
    }
    return segment;
  }

  /** One attempt of `step` (its attempt log holding this attempt's open entry). */
  private async runOne(
    execution: Execution,
    steps: Step[],
    step: Step,
    attempt: number,
    resumed: boolean | undefined,
    log: Logger,
  ): Promise<NodeRun> {
    const node = execution.graph.nodes.find((n) => n.id === step.nodeId);
    const nodeType = this.deps.registry.get(step.type);
    if (!node || !nodeType)
      return {
        input: null,
        error: new PermanentStepError(`unknown node type "${step.type}"`, {
          code: 'unknown_node_type',
        }),
      };
    const input = await this.inputOf(execution, steps, step.nodeId);
    if ('error' in input) return { input: null, error: input.error };
    return runNode({
      nodeType,
      node,
      input: input.data,
      executionId: execution.id,
      attempt,
      resumed: resumed === true,
      timeoutMs: step.retryPolicy.timeoutMs,
      expressionTimeoutMs: this.deps.expressionTimeoutMs,
      expressions: this.deps.expressions,
      http: this.deps.http,
      logger: log,
      connections: this.deps.connections?.(execution.ownerId),
      // Every entry before this attempt's own (the last), earlier rounds included: after a
      // manual retry the count restarts at 1, but what those attempts did still counts.
      previousAttempts: step.attemptLog
        .slice(0, -1)
        .map((e) => ({ attempt: e.attempt, errorCode: e.code })),
    });
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
    chain: ChainOptions,
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
    const after = withPatch(steps, step.nodeId, succeeded);
    await advance(tx, execution, effects, finishedAt, after, {
      chain,
      written: after.filter((s) => s.nodeId === step.nodeId),
    });
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
        // The database holding it is out of reach: the job waits for it, spending no attempt.
        if (isDependencyUnavailable(err)) throw err;
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

/**
 * A transaction stand-in that only collects what {@link advance} writes for a chain (its steps,
 * the execution's end, events), for {@link ExecutionStore.recordIfUnchanged} to send at once.
 */
function collectingTx(writes: ChainWrites): ExecutionTx {
  const unexpected = (): never => {
    throw new Error('a chain writes only its steps, the execution end and events');
  };
  return {
    insertExecution: unexpected,
    insertSteps: unexpected,
    lockExecution: unexpected,
    steps: unexpected,
    updateExecution: unexpected,
    updateSteps: unexpected,
    unfinishedOfWorkflow: unexpected,
    saveSteps: async (_id, steps, finish) => {
      writes.steps.push(...steps);
      if (finish) writes.finish = finish;
    },
    emit: async (type, data) => {
      writes.events.push({ type, data } as StartEvent);
    },
  };
}

/** One step a chain ran, for its metrics and log lines once recorded. */
interface ChainedRun {
  step: Step;
  outcome: 'succeeded' | 'failed' | 'retrying';
  seconds: number;
  error: unknown;
  log: Logger;
}

function logResult(
  log: Logger,
  step: Step,
  outcome: ChainedRun['outcome'],
  seconds: number,
  error: unknown,
): void {
  if (outcome === 'succeeded') {
    log.debug({ ms: Math.round(seconds * 1000), status: outcome }, `step ${outcome}`);
    return;
  }
  const info = toStepErrorInfo(error);
  if (outcome === 'retrying')
    log.warn({ err: info.message, code: info.code }, 'step attempt failed; will retry');
  else log.warn({ err: info.message, code: info.code, type: step.type }, 'step failed');
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
