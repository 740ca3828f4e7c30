import type { ErrorStatusTable } from '@flowgenie/platform';
import type { GoogleSignInErrorCode } from '../../domain/google-sign-in-errors';
import { CONNECTION_ERROR_STATUS } from './connection-error-status';

/** Sign in with Google's codes (the browser callback turns them into `/login?error=<code>` instead). */
const GOOGLE_SIGN_IN_STATUS: Record<GoogleSignInErrorCode, number> = {
  google_sign_in_disabled: 404,
  google_email_unverified: 403,
  google_link_invalid: 404,
  google_identity_taken: 409,
  google_account_conflict: 409,
};

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
  ...GOOGLE_SIGN_IN_STATUS,
  ...CONNECTION_ERROR_STATUS,
};
