import { DomainError } from '@flowgenie/platform/errors';

/**
 * Base of the errors the execution service throws on purpose: a stable `code` (and `details`,
 * `cause`), no HTTP status; its codes are the platform's own (`not_found` 404, `conflict` 409).
 */
export abstract class ExecutionError extends DomainError {}

/** Also what another user's execution answers: for them it does not exist. */
export class ExecutionNotFoundError extends ExecutionError {
  readonly code = 'not_found';
  constructor(id: string) {
    super(`execution ${id} not found`);
  }
}

/** The execution is not in a state that allows this (cancel a finished one, retry a running one). */
export class ExecutionConflictError extends ExecutionError {
  readonly code = 'conflict';
}
