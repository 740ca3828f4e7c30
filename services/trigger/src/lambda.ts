import serverless from 'serverless-http';
import { createSqsBatchHandler, type SqsBatchEvent, type SqsBatchResponse } from '@flowgenie/messaging';
import { createLogger } from '@flowgenie/platform';
import { compose, type ComposeOptions } from './compose';
import { loadTriggerConfig } from './config';

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

export type LambdaEvent = HttpApiEvent | SqsBatchEvent;
export type LambdaHandler = {
  (event: HttpApiEvent, context?: object): Promise<HttpApiResult>;
  (event: SqsBatchEvent, context?: object): Promise<SqsBatchResponse>;
  (event: LambdaEvent, context?: object): Promise<HttpApiResult | SqsBatchResponse>;
};

/** HTTP API v2 takes Set-Cookie in `cookies`; serverless-http leaves a lone one in `headers`. */
function cookiesApart(result: HttpApiResult): HttpApiResult {
  const { 'set-cookie': lone, ...headers } = result.headers;
  return lone === undefined ? result : { ...result, headers, cookies: [...result.cookies, lone] };
}

const isSqsBatch = (event: LambdaEvent): event is SqsBatchEvent => Array.isArray((event as SqsBatchEvent).Records);

/** `/hooks/...` keeps its path; an `/api/...` path is the app's without `/api` (as behind the local gateway). */
const appPath = (rawPath: string) => (/^\/api(?=\/)/.test(rawPath) ? rawPath.slice('/api'.length) : rawPath);

/**
 * The trigger service as one Lambda: the HTTP API's requests (payload 2.0: `/hooks/...`) go to
 * the Express app, and the SQS records of its inbox (workflow.activated/deactivated/deleted) to
 * the same handlers the long-running consumer uses. Composed once per cold start (a failed boot
 * is retried by the next invocation). The outbox relay and the webhook answer subscriber run
 * while the function does, so a webhook that waits for its workflow's answer gets it within the
 * invocation; each invocation also drains the outbox before returning.
 *
 * Not run here: the BullMQ schedule worker (a frozen function cannot fire schedules; EventBridge
 * Scheduler firings need their own adapter, not built yet).
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  let booted: ReturnType<typeof boot> | undefined;

  async function boot() {
    const config = loadTriggerConfig(opts.env);
    const logger = createLogger({ service: 'trigger', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const service = await compose(config, { ...opts.compose, logger });
    try {
      await service.waiter.start();
      await service.relay.start();
    } catch (err) {
      await service.stop();
      throw err;
    }
    const http = serverless(service.app);
    return {
      service,
      logger,
      http: async (event: HttpApiEvent, context: object) =>
        cookiesApart((await http({ ...event, rawPath: appPath(event.rawPath) }, context)) as HttpApiResult),
      sqs: createSqsBatchHandler(logger, service.eventHandlers),
    };
  }

  const handler = async (event: LambdaEvent, context: object = {}) => {
    booted ??= boot().catch((err: unknown) => {
      booted = undefined;
      throw err;
    });
    const { http, sqs, service, logger } = await booted;
    try {
      return isSqsBatch(event) ? await sqs(event) : await http(event, context);
    } finally {
      // Left in the outbox on failure: the running relay or the next invocation publishes it.
      await service.relay.drain().catch((err: unknown) => logger.warn({ err }, 'outbox drain after invocation failed'));
    }
  };
  return Object.assign(handler as LambdaHandler, {
    /** Tests: stops what the cold start opened. */
    async close(): Promise<void> {
      const running = booted;
      booted = undefined;
      const parts = await running?.catch(() => undefined);
      if (!parts) return;
      // The relay was started here, not by start(): stop it before stop() closes the database.
      await parts.service.relay.stop();
      await parts.service.stop();
    },
  });
}

/** The function cdk-constructs' NodeService deploys (`services/trigger/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
