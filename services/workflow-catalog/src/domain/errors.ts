import { DomainError } from '@flowgenie/platform/errors';

/** Where a problem is: a dotted field path, and the node it belongs to when there is one. */
export interface ProblemDetail {
  path?: string;
  nodeId?: string;
  /** Machine-readable class of the problem (e.g. `unknown_connection`). */
  code?: string;
  message: string;
}

/**
 * Base of the errors the catalog throws on purpose. Each carries a stable `code`; the HTTP adapter
 * owns the code → status table (adapters/http/error-status.ts), so the domain never speaks HTTP.
 */
export abstract class CatalogError extends DomainError {
  declare readonly details?: ProblemDetail[];
  constructor(message: string, details?: ProblemDetail[]) {
    super(message, details);
  }
}

/** Unknown id, or another user's workflow: both look the same to the caller. */
export class WorkflowNotFoundError extends CatalogError {
  readonly code = 'not_found';
  constructor() {
    super('workflow not found');
  }
}

export class VersionNotFoundError extends CatalogError {
  readonly code = 'version_not_found';
  constructor(version: number) {
    super(`version ${version} not found`);
  }
}

/** Activation or a non-draft run asked for a version, and none was ever published. */
export class NothingPublishedError extends CatalogError {
  readonly code = 'nothing_published';
  constructor() {
    super('the workflow has no published version; publish it first');
  }
}

/** Input that is well-formed JSON but not acceptable; `details` name each field. */
export class InvalidInputError extends CatalogError {
  readonly code = 'validation_failed';
}

/** A graph that fails full validation (publish, test run); `details` locate each problem. */
export class InvalidGraphError extends CatalogError {
  readonly code = 'validation_failed';
  constructor(details: ProblemDetail[]) {
    super(
      `the workflow is not valid: ${details[0]?.message ?? 'unknown problem'}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`,
      details,
    );
  }
}

/** The schedule preview was asked for a workflow whose trigger is not a schedule. */
export class NotAScheduleError extends CatalogError {
  readonly code = 'not_a_schedule';
}

/** The auth service could not say whether the workflow's connections work: try again shortly. */
export class ConnectionsUnavailableError extends CatalogError {
  readonly code = 'connections_unavailable';
  /** Answered as `Retry-After`. */
  readonly retryAfterSeconds = 5;
  constructor(why: string) {
    super(`cannot check the workflow's connections right now (${why}); try again in a few seconds`);
  }
}
