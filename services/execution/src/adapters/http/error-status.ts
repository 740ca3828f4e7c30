import type { ErrorStatusTable } from '@flowgenie/platform';

/** How the execution service's error codes answer over HTTP (laid over the platform's table). */
export const EXECUTION_ERROR_STATUS: ErrorStatusTable = {
  not_found: 404,
  conflict: 409,
};
