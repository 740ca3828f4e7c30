import { createServiceLambda, stripApiPrefix } from '@flowgenie/messaging/aws';
import { createLogger } from '@flowgenie/platform';
import { compose, type ComposeOptions } from './compose';
import { loadConfig } from './config';

export type { HttpApiEvent, HttpApiResult } from '@flowgenie/messaging/aws';

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
 * outbox (connection.created/revoked) is relayed after each invocation. The service is composed once per cold start; a failed boot is retried by the next
 * invocation (see createServiceLambda).
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, DATA_DIR } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  return createServiceLambda({
    compose: async () => {
      const config = loadConfig(opts.env);
      const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      return { logger, service: await compose(config, { ...opts.compose, logger }) };
    },
    appPath,
  });
}

/** The function cdk-constructs' NodeService deploys (`services/auth/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
