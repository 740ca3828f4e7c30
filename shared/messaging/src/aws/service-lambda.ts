import serverless from 'serverless-http';
import type { Logger } from '@flowgenie/platform';
import type { EventHandlers } from '../ports';
import type { OutboxRelay } from '../outbox/outbox';
import {
  createSqsBatchHandler,
  type SqsBatchEvent,
  type SqsBatchResponse,
} from './lambda-sqs-handler';

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

/** What a composed service hands its Lambda. */
export interface LambdaService {
  /** The HTTP app (Express) that serves the HTTP API's requests. */
  app: serverless.Application;
  /** Releases what compose opened (not the relay: the Lambda stops that itself). */
  stop(): Promise<void>;
  /** Started at cold start, drained after each invocation, stopped by `close()`. */
  relay?: Pick<OutboxRelay, 'start' | 'drain' | 'stop'>;
  /** The handlers of SQS batch records; without them, every event is an HTTP API request. */
  eventHandlers?: EventHandlers;
}

export interface ServiceLambdaOptions<S extends LambdaService> {
  /** Loads the config and composes the service; run once per cold start, again after a failure. */
  compose: () => Promise<{ service: S; logger: Logger }>;
  /** More to run while the function does, started before the relay; `service.stop()` stops it. */
  start?: (service: S) => Promise<void>;
  /** The app's path for the request's. @default `/api/...` is the app's `/...` (as behind the local gateway) */
  appPath?: (rawPath: string) => string;
  /** Runs after every invocation, after the outbox drain (e.g. flushing metrics); its failure is logged. */
  afterInvocation?: (service: S) => Promise<unknown>;
}

/** `/api/x/...` is the app's `/x/...` (as behind the local gateway); any other path is kept. */
export const stripApiPrefix = (rawPath: string) =>
  /^\/api(?=\/)/.test(rawPath) ? rawPath.slice('/api'.length) : rawPath;

/** HTTP API v2 takes Set-Cookie in `cookies`; serverless-http leaves a lone one in `headers`. */
function cookiesApart(result: HttpApiResult): HttpApiResult {
  const { 'set-cookie': lone, ...headers } = result.headers;
  return lone === undefined ? result : { ...result, headers, cookies: [...result.cookies, lone] };
}

const isSqsBatch = (event: LambdaEvent): event is SqsBatchEvent =>
  Array.isArray((event as SqsBatchEvent).Records);

/**
 * A service as one Lambda: the HTTP API's requests (payload 2.0) go to its app, and the SQS
 * records of its inbox (when it has `eventHandlers`) to the handlers its long-running consumer
 * uses. The service is composed once per cold start (a failed boot is retried by the next
 * invocation); its outbox relay runs while the function does, and each invocation drains the
 * outbox before returning, so the events it wrote are on the bus before the function freezes.
 *
 * @example
 * export const handler = createServiceLambda({
 *   compose: async () => {
 *     const config = loadConfig(process.env);
 *     const logger = createLogger({ service: 'x', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
 *     return { logger, service: await compose(config, { logger }) };
 *   },
 * });
 */
export function createServiceLambda<S extends LambdaService>(opts: ServiceLambdaOptions<S>) {
  const appPath = opts.appPath ?? stripApiPrefix;
  let booted: ReturnType<typeof boot> | undefined;

  async function boot() {
    const { service, logger } = await opts.compose();
    try {
      await opts.start?.(service);
      await service.relay?.start();
    } catch (err) {
      await service.stop();
      throw err;
    }
    const http = serverless(service.app);
    const handlers = service.eventHandlers;
    return {
      service,
      logger,
      http: async (event: HttpApiEvent, context: object) =>
        cookiesApart(
          (await http({ ...event, rawPath: appPath(event.rawPath) }, context)) as HttpApiResult,
        ),
      sqs: handlers ? createSqsBatchHandler(logger, handlers) : undefined,
    };
  }

  const handler = async (event: LambdaEvent, context: object = {}) => {
    booted ??= boot().catch((err: unknown) => {
      booted = undefined;
      throw err;
    });
    const { http, sqs, service, logger } = await booted;
    try {
      return sqs && isSqsBatch(event)
        ? await sqs(event)
        : await http(event as HttpApiEvent, context);
    } finally {
      // Left in the outbox on failure: the running relay or the next invocation publishes it.
      await service.relay
        ?.drain()
        .catch((err: unknown) => logger.warn({ err }, 'outbox drain after invocation failed'));
      await opts
        .afterInvocation?.(service)
        .catch((err: unknown) => logger.warn({ err }, 'after-invocation step failed'));
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
      await parts.service.relay?.stop();
      await parts.service.stop();
    },
  });
}
