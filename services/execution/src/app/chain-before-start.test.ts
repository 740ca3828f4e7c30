import { z } from 'zod';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { createLogger } from '@flowgenie/platform';
import {
  NodeTypeRegistry,
  RetryableStepError,
  coreNodeTypes,
  defineNodeType,
} from '@flowgenie/workflow';
import { pendingStep, type Execution, type Step } from '../domain/execution';
import { noMetrics } from '../ports/execution-metrics';
import type { ExecutionStore } from '../ports/execution-store';
import type { StepJob } from '../ports/step-queue';
import { jobFor, noEffects, planSteps } from './engine';
import { RunStep } from './run-step';

/** An in-memory node type whose attempts fail as retryable (a payload store out of reach). */
const flakyNode = defineNodeType({
  type: 'flaky',
  version: 1,
  category: 'logic',
  displayName: 'Flaky',
  description: 'fails for a while',
  config: z.object({}),
  outputs: ['main'],
  inMemory: true,
  run: async () => {
    throw new RetryableStepError('not yet', { code: 'payload_unavailable' });
  },
});

const registry = new NodeTypeRegistry(coreNodeTypes).register(flakyNode);

/** An execution of `graph` as a start plans it: the trigger succeeded, its successor queued. */
function plannedStart(graph: WorkflowGraph) {
  const now = new Date();
  const execution: Execution = {
    id: '4b0c1d9e-0000-4000-8000-000000000001',
    ownerId: 'owner',
    workflowId: 'wf',
    version: 1,
    mode: 'webhook',
    status: 'running',
    idempotencyKey: 'k',
    triggerNodeId: 'hook',
    triggerPayload: { body: { a: 2 } },
    triggerPayloadRef: null,
    graph,
    error: null,
    stepTest: null,
    correlationId: 'c',
    retries: 0,
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    updatedAt: now,
  };
  const retry = { attempts: 3, backoff: { type: 'fixed' as const, delayMs: 500 }, timeoutMs: 5000 };
  const steps: Step[] = graph.nodes.map((node) => {
    const step = pendingStep(execution.id, node, retry);
    return node.id === 'hook'
      ? { ...step, status: 'succeeded', output: execution.triggerPayload, handle: 'main' }
      : step;
  });
  const effects = noEffects();
  const planned = planSteps(execution, steps, effects, now);
  expect(effects.jobs).toHaveLength(1);
  return { execution, steps: planned.steps, job: effects.jobs[0] };
}

const graphOf = (types: string[]): WorkflowGraph => ({
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
    ...types.map((type, i) => ({
      id: `s${i}`,
      type,
      position: { x: 0, y: 0 },
      config: type === 'transform' ? { expression: '{{ trigger.body.a * 10 }}' } : {},
    })),
  ],
  edges: types.map((_, i) => ({
    id: `e${i}`,
    source: i === 0 ? 'hook' : `s${i - 1}`,
    sourceHandle: 'main',
    target: `s${i}`,
  })),
});

const runStep = () =>
  new RunStep({
    // Nothing is read or written before the start's own write.
    store: {} as ExecutionStore,
    registry,
    http: { allowLoopback: false } as never,
    expressionTimeoutMs: 1000,
    queue: {} as never,
    responder: {} as never,
    metrics: noMetrics,
    logger: createLogger({ service: 'test', level: 'silent' }),
  });

describe('the first in-memory steps of a start, run before it is written', () => {
  it('runs the chain and ends the execution, for the start to write in one go', async () => {
    const { execution, steps, job } = plannedStart(graphOf(['transform', 'transform']));
    const chained = await runStep().chainBeforeStart(execution, steps, job);
    expect(chained.execution).toMatchObject({ status: 'succeeded', finishedAt: expect.any(Date) });
    expect(chained.steps.map((s) => [s.nodeId, s.status, s.attempts, s.output])).toEqual([
      ['hook', 'succeeded', 0, { body: { a: 2 } }],
      ['s0', 'succeeded', 1, 20],
      ['s1', 'succeeded', 1, 20],
    ]);
    expect(chained.jobs).toEqual([]);
  });

  it('gives a first step that fails as retryable a delayed job of its own, and no job at once', async () => {
    const { execution, steps, job } = plannedStart(graphOf(['flaky', 'transform']));
    const chained = await runStep().chainBeforeStart(execution, steps, job);
    expect(chained.execution.status).toBe('running');
    const flaky = chained.steps.find((s) => s.nodeId === 's0')!;
    expect(flaky).toMatchObject({
      status: 'retrying',
      attempts: 1,
      jobId: job.jobId,
      error: { code: 'payload_unavailable' },
    });
    // One job: the retry, after the policy's backoff, counting the attempt made
    const expected: StepJob = jobFor(execution, flaky, job.jobId, {
      attemptOffset: 1,
      delayMs: 500,
    });
    expect(chained.jobs).toEqual([expected]);
  });
});
