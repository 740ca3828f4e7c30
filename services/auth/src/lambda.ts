import { serviceLambda, stripApiPrefix } from '@flowgenie/runtime/lambda';
import { authService, type AuthHostOptions } from './compose';

export type { HttpApiEvent, HttpApiResult } from '@flowgenie/runtime/lambda';

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
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, DATA_DIR } });
 */
export function createLambdaHandler(opts: {
  env: Record<string, string | undefined>;
  compose?: AuthHostOptions;
}) {
  return serviceLambda(authService, { env: opts.env, options: opts.compose, appPath });
}

/** The function cdk-constructs' NodeService deploys (`services/auth/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
