import { ApiError, describeError } from '../../lib/api-client';

/** Plain words for a failed activate/deactivate. */
export function activationErrorMessage(err: unknown): string {
  if (err instanceof ApiError && err.status === 409)
    return 'Publish a version first: open the workflow and click Publish.';
  if (err instanceof ApiError && err.status === 400 && err.details.length > 0) {
    return `It cannot be activated: ${err.details.map((d) => d.message).join('; ')}`;
  }
  return describeError(err);
}
