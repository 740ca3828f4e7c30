import type { ErrorStatusTable } from '@flowgenie/platform';

/**
 * How each connections error code answers (part of AUTH_ERROR_STATUS; `connection_rate_limited` gets
 * Retry-After from the error). `validation_failed` is the platform's (400).
 */
export const CONNECTION_ERROR_STATUS: ErrorStatusTable = {
  connection_not_found: 404,
  connection_revoked: 409,
  connection_expired: 409,
  connection_error: 409,
  connection_missing_scope: 409,
  connection_rate_limited: 429,
  provider_error: 502,
  provider_refused: 400,
  endpoint_not_allowed: 400,
  provider_not_configured: 409,
  invalid_state: 400,
  access_denied: 400,
};
