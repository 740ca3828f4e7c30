/**
 * Failure classes a step can raise. The executor decides on retries from the class alone:
 * {@link PermanentStepError} is never retried; {@link RetryableStepError} and any other thrown
 * value are retried while the node's retry policy has attempts left.
 *
 * @example
 * ```ts
 * if (res.status === 404) throw new PermanentStepError('not found', { code: 'http_error', status: 404 });
 * if (res.status === 429) throw new RetryableStepError('rate limited', { status: 429, retryAfterMs: 5000 });
 * ```
 */
export interface StepErrorOptions {
  /** Machine-readable reason, e.g. `http_error`, `ssrf_refused`, `invalid_config`, `expression_error`. */
  code?: string;
  /** HTTP status, when the failure came from an HTTP response. */
  status?: number;
  /** Small, secret-free details worth storing with the step (e.g. a response body snippet). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** Base class of both step error kinds; `code` defaults to `step_failed`. */
export abstract class StepError extends Error {
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly status?: number;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: StepErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'step_failed';
    this.status = options.status;
    this.details = options.details;
  }
}

/** A failure that will fail again on retry: HTTP 4xx (not 408/429), invalid config, SSRF refusal. */
export class PermanentStepError extends StepError {
  readonly retryable = false;
}

export interface RetryableStepErrorOptions extends StepErrorOptions {
  /** The remote asked us to wait at least this long (Retry-After). */
  retryAfterMs?: number;
}

/** A transient failure: HTTP 408/429/5xx, network error, timeout. */
export class RetryableStepError extends StepError {
  readonly retryable = true;
  readonly retryAfterMs?: number;

  constructor(message: string, options: RetryableStepErrorOptions = {}) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The step cannot run before `untilMs` for a reason outside it, having done nothing (e.g. its
 * connection is rate-limited by the provider). {@link runResolvedStep} turns it into a
 * `delayUntil` result: the executor waits and runs the step again without counting an attempt.
 * Where it is not translated it is an ordinary retryable error.
 */
export class StepWaitError extends RetryableStepError {
  constructor(
    message: string,
    readonly untilMs: number,
    options: RetryableStepErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A `{{ }}` or JSONata expression failed to parse or evaluate (or ran past its limits). */
export class ExpressionError extends Error {
  /** JSONata error code (e.g. `S0203` syntax, `D1012` timeout), or `template` for `{{ }}` syntax. */
  readonly code: string;
  readonly expression: string;
  /** Dotted field path inside the config, when known (e.g. `headers.Authorization`). */
  readonly path?: string;
  /** Character offset inside the expression, when JSONata reports one. */
  readonly position?: number;
  /** What went wrong, without naming the expression or field (for a message shown beside the field). */
  readonly reason: string;

  constructor(
    message: string,
    info: { code: string; expression: string; path?: string; position?: number; reason?: string },
  ) {
    super(message);
    this.name = 'ExpressionError';
    this.code = info.code;
    this.expression = info.expression;
    this.path = info.path;
    this.position = info.position;
    this.reason = info.reason ?? message;
  }
}

/** False only for failures that must not be retried. Unknown errors count as retryable. */
export function isRetryableError(error: unknown): boolean {
  return !(error instanceof PermanentStepError);
}

/** JSON-safe summary of an error for storing with a step run (no stack, no cause chain). */
export interface StepErrorInfo {
  name: string;
  message: string;
  code: string;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

export function toStepErrorInfo(error: unknown): StepErrorInfo {
  if (error instanceof StepError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      retryable: error.retryable,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error instanceof RetryableStepError && error.retryAfterMs !== undefined
        ? { retryAfterMs: error.retryAfterMs }
        : {}),
      ...(error.details === undefined ? {} : { details: error.details }),
    };
  }
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: 'unexpected_error', retryable: true };
  }
  return { name: 'Error', message: String(error), code: 'unexpected_error', retryable: true };
}
