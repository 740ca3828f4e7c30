import type { ErrorStatusTable } from '@flowgenie/platform';

/**
 * How the auth service's error codes answer over HTTP (laid over the platform's table, which
 * answers `not_found`, `unauthorized`, `rate_limited`, `validation_failed`…).
 */
export const AUTH_ERROR_STATUS: ErrorStatusTable = {
  invalid_credentials: 401,
  invalid_refresh_token: 401,
  invalid_api_key: 401,
  signup_refused: 409,
  origin_not_allowed: 403,
};
