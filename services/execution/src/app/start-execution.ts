import {
  RetryPolicySchema,
  WorkflowGraphSchema,
  type EventData,
  type RetryPolicy,
  type WorkflowGraph,
  type WorkflowNode,
} from '@flowgenie/contracts';
import {
  resolveRetryPolicy,
  retryDelayMs,
  upstreamOf,
  type NodeTypeRegistry,
} from '@flowgenie/workflow';
import { pendingStep, type Execution, type Step } from '../domain/execution';
import { graphProblem, inGraphOrder } from '../domain/plan';
import { stepTestOf, testRunLayout, type TestRunLayout } from '../domain/test-run';
import type { ExecutionStore } from '../ports/execution-store';
import type { ChainedStart, FirstChains } from '../ports/first-chain';
import type { StartHandoff } from '../ports/start-handoff';
import { inlineTriggerPayloads, type TriggerPayloads } from '../ports/trigger-payloads';
import {
  advance,
  jobFor,
  noEffects,
  planSteps,
  runEffects,
  tellWaitingCaller,
  type Effects,
  type EngineDeps,
} from './engine';

export const CONSUMER = 'execution';

export interface StartExecutionDeps extends EngineDeps {
  store: ExecutionStore;
  registry: Pick<NodeTypeRegistry, 'get'>;
  /** Reads a graph that travelled by reference (graphRef). @default inline graphs only */
  payloads?: TriggerPayloads;
  /** Hands what a start wrote to this process's executor (see StartHandoff). @default none */
  handoff?: StartHandoff;
  /** The executor of this process, which runs a first in-memory step before the start is written. @default none */
  firstChains?: FirstChains;
}

/**
 * workflow.triggered → one execution (idempotent on the event id, the execution id and the
 * workflow's idempotency key): steps created pending, the trigger step succeeded with the
 * payload as output, execution.started in the outbox, then the trigger's successors enqueued.
 */
export class StartExecution {
  constructor(private readonly deps: StartExecutionDeps) {}

  async execute(
    eventId: string,
    correlationId: string,
    triggered: EventData<'workflow.triggered'>,
  ): Promise<void> {
    const { store } = this.deps;
    // A large graph travelled by reference: read it once here; the execution row keeps it (the
    // executor reads it with every step). A failure leaves the event to be redelivered.
    const data = { ...triggered, graph: await this.graphOf(triggered) };
    const layout = await this.testRunLayoutOf(data);
    const now = new Date();
    // "Run this step" without a pinned trigger sample reuses the last test run's trigger output.
    const lastTrigger = data.runNode ? layout?.seeded.get(data.triggerNodeId) : undefined;
    const inlinePayload = lastTrigger ? lastTrigger.output : (data.payload ?? null);
    const payloadRef = lastTrigger ? null : (data.payloadRef ?? null);
    const execution: Execution = {
      id: data.executionId,
      ownerId: data.ownerId,
      workflowId: data.workflowId,
      version: data.version,
      mode: data.mode,
      status: 'running',
      idempotencyKey: data.idempotencyKey,
      triggerNodeId: data.triggerNodeId,
      // A stored payload stays where it is (claim check): the execution keeps its reference only.
      triggerPayload: payloadRef ? null : inlinePayload,
      triggerPayloadRef: payloadRef,
      graph: data.graph,
      error: null,
      stepTest: data.runNode ? stepTestOf(data.graph, data.runNode) : null,
      correlationId,
      retries: 0,
      createdAt: now,
      startedAt: now,
      finishedAt: null,
      updatedAt: now,
    };
    const steps = data.graph.nodes.map((node) => this.initialStep(execution, node, now, layout));
    const started = {
      type: 'execution.started' as const,
      data: {
        executionId: execution.id,
        workflowId: execution.workflowId,
        ownerId: execution.ownerId,
        version: execution.version,
        mode: execution.mode,
        startedAt: now.toISOString(),
      },
    };
    const problem = graphProblem(data.graph, data.triggerNodeId) ?? layout?.problem?.message;
    // The usual start (something to run): the execution and its planned steps in one write.
    const effects = noEffects();
    const planned = problem ? undefined : planSteps(execution, steps, effects, now);
    if (planned && !planned.finish) {
      // Its first step in memory, run here before the write: both in one statement.
      const chained = await this.runFirstChain(execution, planned.steps, effects);
      const written = chained ?? { execution, steps: planned.steps, events: [] };
      const outcome = await store.startOnce(CONSUMER, eventId, written.execution, written.steps, [
        started,
        ...written.events,
      ]);
      chained?.settle(outcome.status === 'started');
      if (outcome.status === 'started') {
        effects.steps = written.steps;
        if (chained) {
          effects.jobs = chained.jobs;
          effects.messages = chained.messages;
          const { status } = chained.execution;
          if (status === 'succeeded' || status === 'failed') effects.finished = status;
        }
        // Before the jobs are enqueued: the executor may take its first one at once.
        if (outcome.revision !== undefined && written.execution.status === 'running') {
          const steps = inGraphOrder(execution.graph, written.steps);
          this.deps.handoff?.put({ ...written.execution, steps, revision: outcome.revision });
        }
        await this.started(data, effects);
      } else await this.duplicate(data);
      return;
    }
    // A start that fails or ends at once: the same rows, the end and its event in a transaction.
    const result = await store.handleOnce(CONSUMER, eventId, async (tx) => {
      if (!(await tx.insertExecution(execution))) return undefined;
      await tx.emit(started.type, started.data);
      if (problem) {
        // Nothing can run: the execution fails at once (its pending steps are skipped; the step
        // asked for by "run this step" fails with the reason).
        // Inserted as they end (not inserted, read back and updated).
        const target = layout?.problem?.nodeId;
        await tx.insertSteps(
          steps.map((s): Step => {
            if (s.nodeId === target)
              return {
                ...s,
                status: 'failed',
                error: { message: problem, code: 'missing_input_data' },
                finishedAt: now,
              };
            return s.status === 'pending' ? { ...s, status: 'skipped', finishedAt: now } : s;
          }),
        );
        const error = { message: problem, ...(target ? { nodeId: target } : {}) };
        await tx.updateExecution(execution.id, { status: 'failed', error, finishedAt: now });
        await tx.emit('execution.failed', {
          executionId: execution.id,
          workflowId: execution.workflowId,
          ownerId: execution.ownerId,
          finishedAt: now.toISOString(),
          durationMs: 0,
          error,
        });
        const effects = noEffects();
        tellWaitingCaller(effects, execution, { status: 'failed', error: problem });
        effects.finished = 'failed';
        return effects;
      }
      // The steps are inserted as the planner leaves them (the first ones queued).
      return advance(tx, execution, noEffects(), now, steps, { insert: true });
    });

    if (result.handled && result.value) await this.started(data, result.value);
    else await this.duplicate(data);
  }

  /**
   * The start's one job, when it is an in-memory step the executor of this process takes: run
   * before anything is written. A failure there leaves the job to the executor as usual.
   */
  private async runFirstChain(
    execution: Execution,
    steps: Step[],
    effects: Effects,
  ): Promise<ChainedStart | undefined> {
    const chains = this.deps.firstChains;
    if (!chains || effects.jobs.length !== 1) return undefined;
    try {
      return await chains.runBeforeStart(execution, steps, effects.jobs[0]);
    } catch (err) {
      this.deps.logger.warn(
        { err, executionId: execution.id },
        'running the first steps before the start failed; the executor runs them',
      );
      return undefined;
    }
  }

  private async started(data: EventData<'workflow.triggered'>, effects: Effects): Promise<void> {
    // Debug: one line per execution (and per step, in run-step) is CPU on the hot path; failures
    // and retries stay at warn.
    this.deps.logger.debug(
      { executionId: data.executionId, workflowId: data.workflowId, mode: data.mode },
      'execution started',
    );
    this.deps.metrics.executionStarted();
    await runEffects(this.deps, effects, { throwOnEnqueueError: true });
  }

  /** A redelivered event, or another event of the same execution or idempotency key. */
  private async duplicate(data: EventData<'workflow.triggered'>): Promise<void> {
    this.deps.logger.info(
      { executionId: data.executionId, idempotencyKey: data.idempotencyKey },
      'duplicate trigger ignored',
    );
    await this.ensureEnqueued(data.executionId);
  }

  /**
   * A redelivered event whose first handling committed but failed to enqueue: enqueue the
   * execution's queued steps again (same job ids, so jobs that exist are not duplicated).
   */
  private async ensureEnqueued(executionId: string): Promise<void> {
    const detail = await this.deps.store.findDetail(executionId);
    if (!detail || detail.status !== 'running') return;
    // A step the first chain left retrying waits its backoff again (its delayed job may be lost).
    const jobs = detail.steps
      .filter((s) => (s.status === 'queued' || s.status === 'retrying') && s.jobId)
      .map((s) =>
        jobFor(detail, s, s.jobId!, {
          attemptOffset: s.attempts,
          ...(s.status === 'retrying'
            ? { delayMs: Math.max(1, retryDelayMs(s.retryPolicy, s.attempts, undefined)) }
            : {}),
        }),
      );
    if (jobs.length) await this.deps.queue.enqueue(jobs);
  }

  /**
   * A draft test run's layout (pinned steps, and for "run this step" the upstream data of the
   * last test run); undefined for published runs, which ignore pins.
   */
  private async testRunLayoutOf(
    data: EventData<'workflow.triggered'> & { graph: WorkflowGraph },
  ): Promise<TestRunLayout | undefined> {
    if (data.version !== null) return undefined;
    const lastRun = data.runNode
      ? await this.deps.store.lastTestOutputs(data.workflowId, data.ownerId, [
          ...upstreamOf(data.graph, data.runNode),
        ])
      : new Map();
    const layout = testRunLayout(data.graph, data.triggerNodeId, {
      runNode: data.runNode,
      lastRun,
      outputsOf: (type) => this.deps.registry.get(type)?.outputs ?? ['main'],
    });
    // The trigger's own pin is already the payload (the trigger service put it there).
    const triggerRun = lastRun.get(data.triggerNodeId);
    const triggerPinned = data.graph.nodes.find((n) => n.id === data.triggerNodeId)?.pinnedData;
    if (data.runNode && triggerRun && triggerPinned === undefined)
      layout.seeded.set(data.triggerNodeId, { ...triggerRun, source: 'last_run' });
    return layout;
  }

  private initialStep(
    execution: Execution,
    node: WorkflowNode,
    now: Date,
    layout?: TestRunLayout,
  ): Step {
    const isTrigger = node.id === execution.triggerNodeId;
    const retryPolicy = this.policyOf(node);
    const step = pendingStep(execution.id, node, retryPolicy);
    const seeded = isTrigger ? undefined : layout?.seeded.get(node.id);
    if (seeded || layout?.skipped.includes(node.id)) {
      // Given its data (pinned, or the last test run's) instead of running: 0 attempts.
      return {
        ...step,
        status: seeded ? 'succeeded' : 'skipped',
        output: seeded ? seeded.output : null,
        handle: seeded ? seeded.handle : null,
        startedAt: seeded ? now : null,
        finishedAt: now,
      };
    }
    if (!isTrigger) return step;
    return {
      ...step,
      status: 'succeeded',
      attempts: 1,
      maxAttempts: 1,
      // The payload (null when stored by reference: readers resolve execution.triggerPayloadRef).
      output: execution.triggerPayload,
      handle: 'main',
      startedAt: now,
      finishedAt: now,
      attemptLog: [{ attempt: 1, startedAt: now.toISOString(), finishedAt: now.toISOString() }],
    };
  }

  private async graphOf(data: EventData<'workflow.triggered'>): Promise<WorkflowGraph> {
    if (data.graph) return data.graph;
    const payloads = this.deps.payloads ?? inlineTriggerPayloads;
    return WorkflowGraphSchema.parse(await payloads.resolve({ payloadRef: data.graphRef }));
  }

  /** The node's effective retry policy (contract defaults ← node type ← node); defaults if invalid. */
  private policyOf(node: WorkflowNode): RetryPolicy {
    try {
      return resolveRetryPolicy(this.deps.registry.get(node.type), node.retry);
    } catch (err) {
      this.deps.logger.warn(
        { nodeId: node.id, err: (err as Error).message },
        'invalid retry policy; using defaults',
      );
      return RetryPolicySchema.parse({});
    }
  }
}
