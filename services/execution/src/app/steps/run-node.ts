import {
  RetryableStepError,
  resolveNodeConfig,
  runResolvedStep,
  type ExpressionData,
  type ExpressionEvaluator,
  type HttpPolicy,
  type NodeType,
  type StepConnections,
  type StepContext,
  type StepLogger,
  type StepResult,
} from '@flowgenie/workflow';
import { redactInput } from './redact';

/**
 * The reason a finished attempt's signal gives what it still has in flight. One shared error: a
 * new one per step captured a stack trace on every step (about 1 % of the CPU at async c=1).
 */
const ATTEMPT_OVER = new Error('attempt over');

export interface RunNodeOptions {
  nodeType: NodeType;
  node: { id: string; config?: Record<string, unknown> };
  input: ExpressionData;
  executionId: string;
  attempt: number;
  resumed: boolean;
  timeoutMs: number;
  expressionTimeoutMs: number;
  /** Where expressions run (the executor's isolates). */
  expressions?: ExpressionEvaluator;
  http: HttpPolicy;
  logger?: StepLogger;
  /** The workflow owner's connections. */
  connections?: StepConnections;
  previousAttempts?: StepContext['previousAttempts'];
}

export interface NodeRun {
  /** The resolved config, secrets redacted (what is stored as the step's input). */
  input: unknown;
  result?: StepResult;
  error?: unknown;
}

/**
 * One attempt of a node: `{{ }}` expressions resolved over `{trigger, steps}`, the config
 * parsed by the node type, then `run` raced against the attempt's time limit (the signal is
 * aborted when the limit passes, and the attempt fails as retryable `timeout`).
 */
export async function runNode(opts: RunNodeOptions): Promise<NodeRun> {
  const { nodeType, node } = opts;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Until the config resolves, the raw config (its templates) is what the step shows as input.
  let input: unknown = redactInput(node.config ?? {}, nodeType.configSchema);
  // What expressions see: the payload, upstream outputs, and which run and step this is.
  const data: ExpressionData = {
    ...opts.input,
    execution: { id: opts.executionId, stepId: node.id },
  };
  const attempt = async (): Promise<StepResult> => {
    const limits = { timeoutMs: opts.expressionTimeoutMs };
    const config = await resolveNodeConfig(nodeType, node.config ?? {}, {
      input: data,
      expressionLimits: limits,
      expressions: opts.expressions,
    });
    input = redactInput(config, nodeType.configSchema);
    return runResolvedStep(nodeType, node.id, config, {
      input: data,
      expressions: opts.expressions,
      signal: controller.signal,
      executionId: opts.executionId,
      attempt: opts.attempt,
      resumed: opts.resumed,
      logger: opts.logger,
      http: opts.http,
      expressionLimits: limits,
      connections: opts.connections,
      previousAttempts: opts.previousAttempts,
    });
  };
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error('step timed out'));
      reject(
        new RetryableStepError(`step timed out after ${opts.timeoutMs} ms`, { code: 'timeout' }),
      );
    }, opts.timeoutMs);
  });
  try {
    const result = await Promise.race([attempt(), deadline]);
    return { input, result };
  } catch (error) {
    return { input, error };
  } finally {
    clearTimeout(timer);
    // Whatever the attempt still has in flight (a request after a timeout) is told to stop.
    if (!controller.signal.aborted) controller.abort(ATTEMPT_OVER);
  }
}
