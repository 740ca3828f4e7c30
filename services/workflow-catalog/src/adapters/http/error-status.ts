import type { ErrorStatusTable } from '@flowgenie/platform';

/**
 * The one place that knows which HTTP status each catalog error code answers with (laid over the
 * platform's table: `not_found` 404, `validation_failed` 400…).
 */
export const CATALOG_ERROR_STATUS: ErrorStatusTable = {
  version_not_found: 404,
  nothing_published: 409,
  not_a_schedule: 400,
  // Retry-After comes from the error's retryAfterSeconds.
  connections_unavailable: 503,
};
