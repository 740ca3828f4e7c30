import {
  ExecutionStatusSchema,
  StepStatusSchema,
  type PayloadRef,
  type RetryPolicy,
  type WorkflowGraph,
} from '@flowgenie/contracts';

/** The statuses of the public API (the contract's lists), so the domain and the API cannot drift. */
export const EXECUTION_STATUSES = ExecutionStatusSchema.options;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const STEP_STATUSES = StepStatusSchema.options;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type TriggerMode = 'webhook' | 'schedule' | 'manual' | 'poll' | 'event';

/** A step that will not change any more (until an execution retry resets failed ones). */
export const FINISHED_STEP_STATUSES: ReadonlySet<StepStatus> = new Set([
  'succeeded',
  'failed',
  'skipped',
  'canceled',
]);
/** A step with work outstanding: the execution is not finished while one exists. */
export const ACTIVE_STEP_STATUSES: ReadonlySet<StepStatus> = new Set([
  'pending',
  'queued',
  'running',
  'retrying',
  'waiting',
]);
/** A step that has (or must have) a job in the steps queue. */
export const ENQUEUED_STEP_STATUSES: ReadonlySet<StepStatus> = new Set([
  'queued',
  'running',
  'retrying',
  'waiting',
]);
export const FINISHED_EXECUTION_STATUSES: ReadonlySet<ExecutionStatus> = new Set([
  'succeeded',
  'failed',
  'canceled',
]);

export const isStepFinished = (s: StepStatus) => FINISHED_STEP_STATUSES.has(s);
export const isExecutionFinished = (s: ExecutionStatus) => FINISHED_EXECUTION_STATUSES.has(s);

export interface ExecutionError {
  message: string;
  nodeId?: string;
}

export interface StepError {
  message: string;
  code?: string;
  status?: number;
}

export interface AttemptLogEntry {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  error?: string;
  /** The failure's code (`interrupted` when the worker running it stopped). */
  code?: string;
}

/** The step a "Run this step" test run ran, named as the draft named it then (else its id). */
export interface StepTest {
  nodeId: string;
  name: string;
}

export interface Execution {
  id: string;
  ownerId: string;
  workflowId: string;
  version: number | null;
  mode: TriggerMode;
  status: ExecutionStatus;
  idempotencyKey: string;
  triggerNodeId: string;
  /** The trigger's payload when it travelled inline; null when it is stored (see triggerPayloadRef). */
  triggerPayload: unknown;
  /**
   * Where a payload above the inline limit is stored (claim check): read it through the payload
   * store when needed; neither the execution row nor the trigger step's output holds a copy.
   */
  triggerPayloadRef: PayloadRef | null;
  graph: WorkflowGraph;
  error: ExecutionError | null;
  /** Set when this is a "Run this step" test run: the one step it ran. */
  stepTest: StepTest | null;
  correlationId: string;
  /** How many times a user retried this execution (names the retried steps' jobs). */
  retries: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

export interface Step {
  executionId: string;
  nodeId: string;
  type: string;
  status: StepStatus;
  /** Attempts made in the current run of the step (reset by an execution retry). */
  attempts: number;
  maxAttempts: number;
  retryPolicy: RetryPolicy;
  input: unknown;
  output: unknown;
  error: StepError | null;
  /** Output handle the step took when it succeeded ('main', 'true', 'false'…). */
  handle: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  attemptLog: AttemptLogEntry[];
  /** The steps-queue job that currently owns the step; a job with another id is stale. */
  jobId: string | null;
  /** Identifies the attempt in progress; a late result of an older attempt is discarded. */
  runToken: string | null;
  /** When a waiting (delay) step resumes. */
  resumeAt: Date | null;
}

/** An execution with its steps, in graph order. */
export interface ExecutionDetail extends Execution {
  steps: Step[];
  /**
   * The row's exact change marker when it and its steps were read (finer than `updatedAt`, a
   * millisecond Date): a later lock tells from it whether anything changed since.
   */
  revision?: string;
}

export const durationMs = (start: Date | null, end: Date | null): number | null =>
  start && end ? Math.max(0, end.getTime() - start.getTime()) : null;

/**
 * Whether a caller may be waiting for this execution's answer: its trigger is a webhook answered
 * from a respond step, so the trigger service waits for the respond message, or for the final
 * status when the run ends without one. Other runs (schedules, polls, manual runs, webhooks
 * answered at once) publish no answer: nobody listens for it.
 *
 * @example answersACaller({ triggerNodeId: 'hook', graph: { nodes: [{ id: 'hook', type: 'webhook', config: { responseMode: 'immediately' } }] } }) // false
 */
export function answersACaller(execution: Pick<Execution, 'graph' | 'triggerNodeId'>): boolean {
  const trigger = execution.graph.nodes.find((n) => n.id === execution.triggerNodeId);
  // A trigger not found in the graph cannot rule a waiting caller out.
  if (!trigger) return true;
  const config = trigger.config as { responseMode?: unknown } | undefined;
  return trigger.type === 'webhook' && config?.responseMode === 'respond_node';
}

/** A step not run yet: no attempts, no data, owned by no job. */
export function pendingStep(
  executionId: string,
  node: { id: string; type: string },
  retryPolicy: RetryPolicy,
): Step {
  return {
    executionId,
    nodeId: node.id,
    type: node.type,
    status: 'pending',
    attempts: 0,
    maxAttempts: retryPolicy.attempts,
    retryPolicy,
    input: null,
    output: null,
    error: null,
    handle: null,
    startedAt: null,
    finishedAt: null,
    attemptLog: [],
    jobId: null,
    runToken: null,
    resumeAt: null,
  };
}
