import {
  RetryPolicySchema,
  WorkflowGraphSchema,
  type EventData,
  type RetryPolicy,
  type WorkflowGraph,
  type WorkflowNode,
} from '@flowgenie/contracts';
import { resolveRetryPolicy, type NodeTypeRegistry } from '@flowgenie/workflow';
import type { Execution, Step } from '../domain/execution';
import { graphProblem } from '../domain/plan';
import type { ExecutionStore } from '../ports/execution-store';
import { inlineTriggerPayloads, type TriggerPayloads } from '../ports/trigger-payloads';
import { advance, jobFor, noEffects, runEffects, type EngineDeps } from './engine';

export const CONSUMER = 'execution';

export interface StartExecutionDeps extends EngineDeps {
  store: ExecutionStore;
  registry: Pick<NodeTypeRegistry, 'get'>;
  /** Reads a graph that travelled by reference (graphRef). @default inline graphs only */
  payloads?: TriggerPayloads;
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
    const { store, logger } = this.deps;
    // A large graph travelled by reference: read it once here; the execution row keeps it (the
    // executor reads it with every step). A failure leaves the event to be redelivered.
    const data = { ...triggered, graph: await this.graphOf(triggered) };
    const result = await store.handleOnce(CONSUMER, eventId, async (tx) => {
      const now = new Date();
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
        triggerPayload: data.payloadRef ? null : (data.payload ?? null),
        triggerPayloadRef: data.payloadRef ?? null,
        graph: data.graph,
        error: null,
        correlationId,
        retries: 0,
        createdAt: now,
        startedAt: now,
        finishedAt: null,
        updatedAt: now,
      };
      if (!(await tx.insertExecution(execution))) return undefined;
      const steps = data.graph.nodes.map((node) => this.initialStep(execution, node, now));
      await tx.insertSteps(steps);
      await tx.emit('execution.started', {
        executionId: execution.id,
        workflowId: execution.workflowId,
        ownerId: execution.ownerId,
        version: execution.version,
        mode: execution.mode,
        startedAt: now.toISOString(),
      });
      const problem = graphProblem(data.graph, data.triggerNodeId);
      if (problem) {
        // Nothing can run: the execution fails at once (its pending steps are skipped).
        const steps = data.graph.nodes.map((n) => n.id).filter((id) => id !== data.triggerNodeId);
        await tx.updateSteps(execution.id, steps, { status: 'skipped', finishedAt: now });
        await tx.updateExecution(execution.id, {
          status: 'failed',
          error: { message: problem },
          finishedAt: now,
        });
        await tx.emit('execution.failed', {
          executionId: execution.id,
          workflowId: execution.workflowId,
          ownerId: execution.ownerId,
          finishedAt: now.toISOString(),
          durationMs: 0,
          error: { message: problem },
        });
        const effects = noEffects();
        effects.messages.push({
          kind: 'final',
          executionId: execution.id,
          status: 'failed',
          error: problem,
        });
        effects.finished = 'failed';
        return effects;
      }
      return advance(tx, execution, noEffects(), now, steps);
    });

    if (result.handled && result.value) {
      logger.info(
        { executionId: data.executionId, workflowId: data.workflowId, mode: data.mode },
        'execution started',
      );
      this.deps.metrics.executionStarted();
      await runEffects(this.deps, result.value, { throwOnEnqueueError: true });
      return;
    }
    logger.info(
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
    const jobs = detail.steps
      .filter((s) => s.status === 'queued' && s.jobId)
      .map((s) => jobFor(detail, s, s.jobId!, { attemptOffset: s.attempts }));
    if (jobs.length) await this.deps.queue.enqueue(jobs);
  }

  private initialStep(execution: Execution, node: WorkflowNode, now: Date): Step {
    const isTrigger = node.id === execution.triggerNodeId;
    const retryPolicy = this.policyOf(node);
    return {
      executionId: execution.id,
      nodeId: node.id,
      type: node.type,
      status: isTrigger ? 'succeeded' : 'pending',
      attempts: isTrigger ? 1 : 0,
      maxAttempts: isTrigger ? 1 : retryPolicy.attempts,
      retryPolicy,
      input: null,
      // The payload (null when stored by reference: readers resolve execution.triggerPayloadRef).
      output: isTrigger ? execution.triggerPayload : null,
      error: null,
      handle: isTrigger ? 'main' : null,
      startedAt: isTrigger ? now : null,
      finishedAt: isTrigger ? now : null,
      attemptLog: isTrigger
        ? [{ attempt: 1, startedAt: now.toISOString(), finishedAt: now.toISOString() }]
        : [],
      jobId: null,
      runToken: null,
      resumeAt: null,
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
