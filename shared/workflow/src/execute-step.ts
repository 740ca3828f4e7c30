import { PermanentStepError, ExpressionError, StepWaitError } from './errors';
import { inlineExpressions } from './expressions';
import { jsonFieldsOf, type NodeType, type StepContext, type StepResult } from './node-type';

/** Everything {@link executeStep} needs besides the node: the context minus `config`/`nodeId`. */
export type ExecuteStepContext = Omit<StepContext, 'config' | 'nodeId'>;

/**
 * Run one attempt of a node: resolve `{{ }}` expressions in its raw config against
 * `ctx.input`, parse the result with the node type's schema, then call `run`.
 *
 * Errors: bad expressions and invalid config throw {@link PermanentStepError}
 * (`expression_error` / `invalid_config`); `run` throws Permanent/RetryableStepError or
 * anything else (treat unknown errors as retryable).
 *
 * @example
 * ```ts
 * const result = await executeStep(getNodeType(node.type)!, node, {
 *   input: { trigger: payload, steps: outputsSoFar }, signal, executionId, attempt: 1,
 *   http: { allowPrivateNetworks: false },
 * });
 * if (result.delayUntil) reschedule(result.delayUntil); else store(result.output, result.handle ?? 'main');
 * ```
 */
export async function executeStep(
  nodeType: NodeType,
  node: { id: string; config?: Record<string, unknown> },
  ctx: ExecuteStepContext,
): Promise<StepResult> {
  if (!nodeType.run) {
    throw new PermanentStepError(`node type "${nodeType.type}" cannot be run`, {
      code: 'not_runnable',
    });
  }
  const config = await resolveNodeConfig(nodeType, node.config ?? {}, ctx);
  return runResolvedStep(nodeType, node.id, config, ctx);
}

/**
 * The second half of {@link executeStep}: call `run` with an already resolved config and check
 * the output handle it returns. For callers that need the resolved config themselves (to store
 * it as the step's input); everyone else calls {@link executeStep}.
 */
export async function runResolvedStep(
  nodeType: NodeType,
  nodeId: string,
  config: Record<string, unknown>,
  ctx: ExecuteStepContext,
): Promise<StepResult> {
  if (!nodeType.run) {
    throw new PermanentStepError(`node type "${nodeType.type}" cannot be run`, {
      code: 'not_runnable',
    });
  }
  let result: StepResult;
  try {
    result = await nodeType.run({ ...ctx, nodeId, config });
  } catch (err) {
    // Nothing was done and nothing can be before then: wait, without spending an attempt.
    if (err instanceof StepWaitError) return { output: undefined, delayUntil: err.untilMs };
    throw err;
  }
  const handle = result.handle ?? 'main';
  if (result.delayUntil === undefined && !nodeType.outputs.includes(handle)) {
    throw new PermanentStepError(
      `node type "${nodeType.type}" returned unknown output handle "${handle}"`,
      { code: 'invalid_handle' },
    );
  }
  return result;
}

/** Resolve expressions and parse the config with the node type's schema (defaults applied). */
export async function resolveNodeConfig(
  nodeType: NodeType,
  rawConfig: Record<string, unknown>,
  ctx: Pick<StepContext, 'input' | 'expressionLimits' | 'expressions'>,
): Promise<Record<string, unknown>> {
  let resolved: Record<string, unknown>;
  try {
    resolved = await (ctx.expressions ?? inlineExpressions).resolveConfig(rawConfig, ctx.input, {
      ...ctx.expressionLimits,
      jsonKeys: jsonFieldsOf(nodeType, rawConfig),
    });
  } catch (err) {
    if (err instanceof ExpressionError) {
      throw new PermanentStepError(err.message, {
        code: 'expression_error',
        details: { path: err.path, expression: err.expression, jsonataCode: err.code },
        cause: err,
      });
    }
    throw err;
  }
  const parsed = nodeType.config.safeParse(resolved);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`)
      .join('; ');
    throw new PermanentStepError(`invalid config for ${nodeType.type}: ${problems}`, {
      code: 'invalid_config',
      details: {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    });
  }
  return parsed.data as Record<string, unknown>;
}
