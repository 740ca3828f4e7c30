import { z } from 'zod';
import type { ConnectionAccessResponse } from '@flowgenie/contracts';
import type { ExpressionData, ExpressionEvaluator, ExpressionLimits } from './expressions';
import type { RetryPolicyOverride } from './retry';
import type { NetworkPolicy } from './ssrf';

export type NodeCategory = 'trigger' | 'action' | 'logic';

/** A JSON Schema document (draft 2020-12), as produced by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/** pino-compatible subset; steps log through it without knowing the logger. Never log secrets. */
export interface StepLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** Operator settings for outbound HTTP (the HTTP request node). */
export interface HttpPolicy extends NetworkPolicy {
  /** Response bodies larger than this fail the step. @default 10 MiB */
  maxResponseBytes?: number;
  /** Extra trusted CA certificates (PEM), e.g. the local dev CA. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** @default 'FlowGenie/1.0' */
  userAgent?: string;
}

/**
 * How a step reaches the credentials of its workflow owner's connections (bound to the owner by
 * the executor). The credential is for this attempt only: never put it in `output`, an error
 * message or a log line.
 */
export interface StepConnections {
  /**
   * A usable credential. Throws a {@link PermanentStepError} when the connection is unknown,
   * revoked, expired or lacks a scope (the message says to reconnect it), a
   * {@link RetryableStepError} when auth cannot answer, and a `StepWaitError` while the provider
   * asked this connection to wait (see {@link rateLimited}): the step then waits, no attempt spent.
   */
  access(connectionId: string, requiredScopes?: string[]): Promise<ConnectionAccessResponse>;
  /** The provider refused the credential (HTTP 401, token revoked): auth marks the connection. */
  report(
    connectionId: string,
    status: 'revoked' | 'expired' | 'error',
    reason: string,
  ): Promise<void>;
  /**
   * The provider answered 429 with Retry-After: every step using this connection waits until
   * `untilMs` (epoch ms), on every executor.
   */
  rateLimited(connectionId: string, untilMs: number): Promise<void>;
  /** Base URL override of a provider's API (`google`: googleapis rootUrl, `slack`: slackApiUrl), e.g. the local fakes. */
  apiUrl?(provider: 'google' | 'slack'): string | undefined;
}

/**
 * What a node's `run` receives for one attempt.
 *
 * Contract with the executor:
 * - `config` is already expression-resolved and parsed by the node type's zod schema
 *   (defaults applied). Every string field is a template: see `resolveConfig`.
 * - `input` holds the trigger payload and the outputs of the steps that ran before this one.
 * - `signal` aborts when the executor gives up on the attempt (timeout, shutdown); `run` must stop.
 * - `attempt` starts at 1. `resumed` is true on the call that follows a `delayUntil` result.
 *
 * {@link executeStep} builds `config` from the node's raw config; call it rather than `run`.
 */
export interface StepContext<C = Record<string, unknown>> {
  config: C;
  input: ExpressionData;
  signal: AbortSignal;
  executionId: string;
  nodeId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** True when the executor calls again after honouring a `delayUntil` from this step. */
  resumed?: boolean;
  logger?: StepLogger;
  http: HttpPolicy;
  /** Limits for JSONata a node evaluates itself. */
  expressionLimits?: ExpressionLimits;
  /** Where JSONata runs. @default inlineExpressions (the calling thread) */
  expressions?: ExpressionEvaluator;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** The workflow owner's connections; absent where none can be used (nodes then fail permanently). */
  connections?: StepConnections;
  /**
   * The attempts of this step before this one, with the code each failed with (`interrupted`:
   * its worker stopped mid-attempt, so what it did is unknown). Absent when the executor does
   * not know; a node with side effects then assumes any earlier attempt may have acted.
   */
  previousAttempts?: ReadonlyArray<{ attempt: number; errorCode?: string }>;
}

/**
 * What a node's `run` returns.
 *
 * - `output` is stored and exposed to later steps as `steps.<nodeId>`.
 * - `handle` picks the output handle whose edges run next (default `'main'`); other handles'
 *   branches are skipped.
 * - `webhookResponse`, when set, is what the waiting webhook caller receives (first one wins).
 * - `delayUntil` (epoch ms): the step is not finished. The executor must not store `output` or
 *   follow edges; it re-enqueues the same step to run at that time with `resumed: true`, and
 *   that call's result is the step's result. Steps never sleep in `run`.
 */
export interface StepResult {
  output: unknown;
  handle?: string;
  webhookResponse?: WebhookResponse;
  delayUntil?: number;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The definition a node type is built from. See {@link defineNodeType}. */
export interface NodeTypeDefinition<S extends z.ZodType = z.ZodType> {
  /** Stable identifier stored in graphs, e.g. `http_request`. */
  type: string;
  version: number;
  category: NodeCategory;
  displayName: string;
  description: string;
  /** Zod schema of the node's config; its JSON Schema drives the builder's form. */
  config: S;
  /** Output handles, e.g. `['main']` or `['true', 'false']`. Triggers use `['main']`. */
  outputs: readonly string[];
  /** JSON Schema of `output`, for autocomplete in the builder. */
  outputSchema?: JsonSchema;
  defaultRetry?: RetryPolicyOverride;
  /**
   * Top-level config keys holding JSON (a body, a computed value): text there that looks like
   * JSON is parsed once its `{{ }}` values are inserted (see `ResolveOptions.jsonKeys`).
   */
  jsonFields?: readonly string[] | ((rawConfig: Record<string, unknown>) => readonly string[]);
  /**
   * Top-level config keys that must be a `{{ }}` expression (or `true`/`false`): plain text
   * there is a mistake (an If condition written without braces), so validation says so.
   */
  expressionOnlyFields?: readonly string[];
  /**
   * The step only computes over its input in memory: no request, no write, no credential, no
   * delay (transform, if, respond). The executor may run a chain of such steps inside one job
   * and record them in one write; a crash before that write runs them again, which is safe
   * because they did nothing outside the execution. Leave unset for anything with effects.
   */
  inMemory?: boolean;
  /** Runs one attempt. Triggers return the trigger payload as their output. */
  run?(ctx: StepContext<z.output<S>>): Promise<StepResult>;
}

/** A registered node type: the definition plus its config JSON Schema. */
export type NodeType<S extends z.ZodType = z.ZodType> = Readonly<NodeTypeDefinition<S>> & {
  readonly configSchema: JsonSchema;
};

const TYPE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Declare a node type. Checks the definition and computes its config JSON Schema once
 * (input shape: fields with defaults are optional; secrets carry `format: password` and `x-secret`).
 *
 * @example
 * ```ts
 * export const noop = defineNodeType({
 *   type: 'noop', version: 1, category: 'action', displayName: 'No-op', description: 'Does nothing',
 *   config: z.object({}), outputs: ['main'],
 *   run: async (ctx) => ({ output: ctx.input.trigger }),
 * });
 * ```
 */
export function defineNodeType<S extends z.ZodType>(def: NodeTypeDefinition<S>): NodeType<S> {
  if (!TYPE_NAME.test(def.type)) {
    throw new Error(`node type "${def.type}": type must be lower_snake_case`);
  }
  if (def.outputs.length === 0 || new Set(def.outputs).size !== def.outputs.length) {
    throw new Error(`node type "${def.type}": outputs must be non-empty and unique`);
  }
  const configSchema = z.toJSONSchema(def.config, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return Object.freeze({ ...def, outputs: Object.freeze([...def.outputs]), configSchema });
}

/** The JSON fields of a node with this raw config (see {@link NodeTypeDefinition.jsonFields}). */
export function jsonFieldsOf(
  nodeType: Pick<NodeTypeDefinition, 'jsonFields'>,
  rawConfig: Record<string, unknown>,
): readonly string[] {
  const f = nodeType.jsonFields;
  return typeof f === 'function' ? f(rawConfig) : (f ?? []);
}

/** Marks a config field as secret in its JSON Schema (masked input, redacted in the UI). */
export const secretField = { format: 'password', 'x-secret': true } as const;

/** JSON Schema keyword: the label a user reads for each value of an `enum`. */
export const ENUM_LABELS_KEYWORD = 'x-enum-labels';

/**
 * Human labels of an enum's values, for `.meta()`: the builder's dropdown shows the label, the
 * graph keeps the value. `z.enum(['a', 'b']).meta({ title, ...enumLabels({ a: 'A', b: 'B' }) })`.
 */
export function enumLabels<V extends string>(labels: Record<V, string>) {
  return { [ENUM_LABELS_KEYWORD]: labels } as const;
}

/** JSON Schema keyword: the string is an IANA time zone (the builder offers a searchable list). */
export const TIME_ZONE_KEYWORD = 'x-time-zone';
/** Marks a string config field as an IANA time zone, for `.meta()`. */
export const timeZoneField = { [TIME_ZONE_KEYWORD]: true } as const;
