import { DomainError } from '@flowgenie/platform/errors';

/**
 * Errors the trigger service raises on purpose. Each carries a stable `code` (and `details`,
 * `cause` where it has them); the HTTP adapter owns the code -> status table
 * (adapters/http/error-status.ts), so the core never speaks HTTP.
 */
export abstract class TriggerError extends DomainError {
  constructor(message: string, options?: { cause?: unknown; details?: DomainError['details'] }) {
    super(message, options?.details, options);
  }
}

/** No active webhook trigger answers to this hook id (unknown, inactive, or not a webhook). */
export class HookNotFoundError extends TriggerError {
  readonly code = 'hook_not_found';
  constructor() {
    super('no active webhook at this address');
  }
}

/** The webhook exists but its trigger node does not accept this HTTP method. */
export class MethodNotAllowedError extends TriggerError {
  readonly code = 'method_not_allowed';
  constructor(
    readonly method: string,
    readonly allowed: readonly string[],
  ) {
    super(`this webhook accepts ${allowed.join(', ')}, not ${method}`);
  }
}

/** The webhook requires an HMAC signature and the request's is missing, stale or wrong. */
export class InvalidSignatureError extends TriggerError {
  readonly code = 'invalid_signature';
}

/** The workflow does not exist for this caller (another user's workflow looks the same). */
export class WorkflowNotFoundError extends TriggerError {
  readonly code = 'workflow_not_found';
  constructor() {
    super('workflow not found');
  }
}

/** The workflow (or its draft) has nothing to run: no trigger node, or nothing published. */
export class NotRunnableError extends TriggerError {
  readonly code = 'not_runnable';
}

/** A header or body field the caller sent is unusable (e.g. an Idempotency-Key of 2 KB). */
export class InvalidRequestError extends TriggerError {
  readonly code = 'invalid_request';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message, { details: [{ path: field, message }] });
  }
}

/** The stored trigger configuration cannot be used (the catalog let through what we cannot read). */
export class TriggerMisconfiguredError extends TriggerError {
  readonly code = 'trigger_misconfigured';
}

/** A service we depend on (the workflow catalog) did not answer usefully. */
export class UpstreamUnavailableError extends TriggerError {
  readonly code = 'upstream_unavailable';
}

/** The workflow cannot run as it stands (e.g. a draft with located problems): 400 with the details. */
export class InvalidWorkflowError extends TriggerError {
  readonly code = 'invalid_workflow';
  constructor(
    message: string,
    problems: Array<{ path?: string; nodeId?: string; message: string }> = [],
  ) {
    super(message, { details: problems.length > 0 ? problems : undefined });
  }
}

/** Too many calls to this hook, or from this client, in the current minute: 429 with Retry-After. */
export class HookRateLimitedError extends TriggerError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A signed call whose exact signature was already accepted: a captured request sent again. */
export class ReplayedRequestError extends TriggerError {
  readonly code = 'replayed';
  constructor() {
    super(
      'this signed request was already received; sign each call afresh (a retry may repeat its Idempotency-Key)',
    );
  }
}

/** Slack events arrived but SLACK_SIGNING_SECRET is not set, so none can be trusted. */
export class SlackNotConfiguredError extends TriggerError {
  readonly code = 'slack_not_configured';
  constructor() {
    super('Slack events are not accepted: SLACK_SIGNING_SECRET is not set');
  }
}

/** A schedule the scheduling backend cannot express (EventBridge Scheduler: no seconds, no day-of-month and weekday together). */
export class UnsupportedScheduleError extends TriggerError {
  readonly code = 'unsupported_schedule';
}

/** No test-webhook listener of this caller waits here (expired, stopped, already called, or another user's). */
export class TestListenerNotFoundError extends TriggerError {
  readonly code = 'test_listener_not_found';
  constructor() {
    super(
      'no test listener at this address: it expired, was stopped, or already received its call',
    );
  }
}
