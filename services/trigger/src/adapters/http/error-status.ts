import type { ErrorAnswer, ErrorStatusTable } from '@flowgenie/platform';
import type { MethodNotAllowedError } from '../../domain/errors';

/**
 * The one table from the trigger core's error codes to HTTP answers (laid over the platform's,
 * which answers `rate_limited` with 429 and its Retry-After, `validation_failed`…).
 */
export const TRIGGER_ERROR_STATUS: ErrorStatusTable = {
  hook_not_found: { status: 404, code: 'not_found' },
  workflow_not_found: { status: 404, code: 'not_found' },
  test_listener_not_found: { status: 404, code: 'not_found' },
  method_not_allowed: {
    status: 405,
    headers: (err) => ({ Allow: (err as MethodNotAllowedError).allowed.join(', ') }),
  } satisfies ErrorAnswer,
  invalid_signature: 401,
  invalid_request: { status: 400, code: 'validation_failed' },
  invalid_workflow: { status: 400, code: 'validation_failed' },
  not_runnable: 409,
  replayed: 409,
  upstream_unavailable: 503,
  trigger_misconfigured: 500,
  slack_not_configured: 503,
};
