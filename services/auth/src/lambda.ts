import serverless from 'serverless-http';
import { createLogger } from '@flowgenie/platform';
import { compose, type ComposeOptions } from './compose';
import { loadConfig } from './config';

/** The parts of an API Gateway HTTP API (payload 2.0) request we rely on (no @types/aws-lambda). */
export interface HttpApiEvent {
  version: '2.0';
  rawPath: string;
  rawQueryString: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { requestId?: string; http: { method: string; sourceIp: string } };
}
export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The public path to the app's: `/api/auth/...` is the app's `/auth/...` (as behind the local
 * gateway), and `/api/auth/.well-known/jwks.json` (the AUTH_JWKS_URL cdk-constructs gives every
 * service: API Gateway routes only `/api/auth` here) is the app's `/.well-known/jwks.json`.
 */
export function appPath(rawPath: string): string {
  if (rawPath === '/api/auth/.well-known/jwks.json') return '/.well-known/jwks.json';
  return /^\/api(?=\/)/.test(rawPath) ? rawPath.slice('/api'.length) : rawPath;
}

/** HTTP API v2 takes Set-Cookie in `cookies`; serverless-http leaves a lone one in `headers`. */
function cookiesApart(result: HttpApiResult): HttpApiResult {
  const { 'set-cookie': lone, ...headers } = result.headers;
  return lone === undefined ? result : { ...result, headers, cookies: [...result.cookies, lone] };
}

/**
 * The auth service as one Lambda behind the HTTP API (payload 2.0). It consumes no events. The
 * service is composed once per cold start; a failed boot is retried by the next invocation.
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, DATA_DIR } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  let booted: ReturnType<typeof boot> | undefined;

  async function boot() {
    const config = loadConfig(opts.env);
    const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const service = await compose(config, { ...opts.compose, logger });
    return { service, http: serverless(service.app) };
  }

  const handler = async (event: HttpApiEvent, context: object = {}): Promise<HttpApiResult> => {
    booted ??= boot().catch((err: unknown) => {
      booted = undefined;
      throw err;
    });
    const { http } = await booted;
    return cookiesApart((await http({ ...event, rawPath: appPath(event.rawPath) }, context)) as HttpApiResult);
  };
  return Object.assign(handler, {
    /** Tests: stops what the cold start opened. */
    async close(): Promise<void> {
      const running = booted;
      booted = undefined;
      if (running) await (await running.catch(() => undefined))?.service.stop();
    },
  });
}

/** The function cdk-constructs' NodeService deploys (`services/auth/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
