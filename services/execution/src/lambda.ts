import serverless from 'serverless-http';
import { createSqsBatchHandler, type SqsBatchEvent, type SqsBatchResponse } from '@flowgenie/messaging';
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

/** The public `/api/executions/...` is the app's `/executions/...` (as behind the local gateway). */
const appPath = (rawPath: string) => (/^\/api(?=\/)/.test(rawPath) ? rawPath.slice('/api'.length) : rawPath);

/**
 * The execution API as one Lambda behind the HTTP API (payload 2.0): list, read, cancel and retry
 * executions. Composed once per cold start (a failed boot is retried by the next invocation); the
 * outbox relay runs while the function does, and each invocation drains the outbox before
 * returning (execution.canceled, execution.started of a retry). Steps run in the executor.
 *
 * cdk-constructs does not give this function the execution inbox (`consumeEventsInLambda: false`:
 * the executor is meant to consume it); should an SQS batch arrive anyway, its records go to the
 * same handlers as the long-running consumer's (workflow.triggered, workflow.deleted).
 * The SSE stream (`/executions/{id}/stream`) cannot stream through a buffered Lambda response.
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  let booted: ReturnType<typeof boot> | undefined;

  async function boot() {
    const config = loadConfig(opts.env);
    const logger = createLogger({ service: 'execution', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
    const service = await compose(config, { ...opts.compose, logger });
    try {
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

/** The function cdk-constructs' NodeService deploys (`services/execution/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
