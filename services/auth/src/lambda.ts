import { lambdaEntry, stripApiPrefix } from '@flowgenie/runtime/lambda';
import { authService } from './compose';

/**
 * The public path to the app's: `/api/auth/...` is the app's `/auth/...` (as behind the local
 * gateway), and `/api/auth/.well-known/jwks.json` (the AUTH_JWKS_URL cdk-constructs gives every
 * service: API Gateway routes only `/api/auth` here) is the app's `/.well-known/jwks.json`.
 */
export function appPath(rawPath: string): string {
  if (rawPath === '/api/auth/.well-known/jwks.json') return '/.well-known/jwks.json';
  return stripApiPrefix(rawPath);
}

/**
 * The auth service as one Lambda behind the HTTP API (payload 2.0). It consumes no events; its
 * outbox (connection.created/revoked) is relayed after each invocation. The service is built once
 * per cold start; a failed boot is retried by the next invocation (see serviceLambda).
 *
 * `handler` is the function cdk-constructs' NodeService deploys; tests build their own with
 * `createLambdaHandler({ env: { DATABASE_URL, DATA_DIR } })`.
 */
export const { createLambdaHandler, handler } = lambdaEntry(authService, { appPath });
