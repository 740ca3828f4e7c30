import { ConflictError, NotFoundError } from '@flowgenie/platform';

/** Also what another user's execution answers: for them it does not exist. */
export class ExecutionNotFoundError extends NotFoundError {
  constructor(id: string) {
    super(`execution ${id} not found`);
  }
}

export class ExecutionConflictError extends ConflictError {}
