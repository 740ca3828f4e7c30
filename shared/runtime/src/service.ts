import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { ConsumerName } from '@flowgenie/contracts';
import type { EventHandlers } from '@flowgenie/messaging';
import type { CommittedOutbox } from '@flowgenie/messaging/outbox';
import type {
  BusEnv,
  ErrorStatusTable,
  Logger,
  Metrics,
  Migrations,
  Redis,
  TokenVerifier,
} from '@flowgenie/platform';

/** The configuration every service has (the platform's env fragments) and the host reads. */
export interface HostConfig extends BusEnv {
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  LOG_FORMAT: 'json' | 'pretty';
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  PORT: number;
  HOST: string;
  TLS_CERT_FILE?: string;
  TLS_KEY_FILE?: string;
  BODY_LIMIT_BYTES: number;
  AUTH_JWKS_URL: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  /** The outbox relay's fallback poll; the relay's default when absent. */
  OUTBOX_POLL_MS?: number;
}

/** What the host opened for a service, handed to its `wire`. */
export interface Infra<C extends HostConfig, DB> {
  config: C;
  logger: Logger;
  /** The service's database, migrated, its search_path on the service's schema. */
  db: Kysely<DB>;
  /** The service's Redis client (`redis: 'queue'` or `'request'` in the definition). */
  redis: Redis;
  /** The service's Prometheus registry (served on `/metrics`). */
  metrics: Metrics;
  /** Verifies access tokens against the auth service's JWKS (or the host options' `keySet`). */
  verify: TokenVerifier;
  /** The outbox relay of this process, for events handed over at commit (services with `outbox`). */
  outbox?: CommittedOutbox;
}

/** How `stop()` was asked for; `force` (tests: a process that dies) does not wait for work in flight. */
export interface StopOptions {
  force?: boolean;
}

/**
 * Something the service runs beside its HTTP server and event consumer (a worker, a scheduler,
 * a subscriber, a timer, or just a client to close).
 *
 * Started after the outbox relay, in the order `wire` lists them, before the event consumer and
 * the server; stopped in reverse order after the server and the consumer. `stop` is called by
 * every `stop()` of the host, whether or not `start` ran (so it also releases what `wire` opened),
 * and only once.
 */
export interface Lifecycle {
  start?(): Promise<unknown> | unknown;
  /**
   * Runs as soon as the server stops taking requests, before the requests in flight are awaited:
   * release whatever holds them (e.g. webhook callers waiting for an answer).
   */
  release?(): Promise<unknown> | unknown;
  stop?(opts: StopOptions): Promise<unknown> | unknown;
  /** Also started inside a Lambda (cold start). @default false: long-running processes only */
  inLambda?: boolean;
}

/**
 * A retention (`TableRetention`) as a lifecycle: started with the process, in a Lambda too (it
 * prunes while the function runs), stopped between two of its statements.
 */
export function retentionLifecycle(retention: { start(): void; stop(): Promise<void> }): Lifecycle {
  return { start: () => retention.start(), stop: () => retention.stop(), inLambda: true };
}

/** Express handlers mounted under one path, in order: `['/workflows', requireAuth(verify), routes]`. */
export type RouteMount = readonly [
  path: string,
  ...handlers: Array<RequestHandler | ErrorRequestHandler>,
];

/** What a service's `wire` returns: its routes, event handlers and extra lifecycles. */
export interface Wiring<X extends object = object> {
  /** Mounted in order, after the platform's defaults and before the 404 fallback and error middleware. */
  routes?: RouteMount[];
  /** The handlers of the service's event consumer (the definition's `consumer`). */
  eventHandlers?: EventHandlers;
  lifecycles?: Lifecycle[];
  /** Runs when `start()` has started everything (the server listens). */
  onStarted?(): void;
  /** Parts tests or the entry points need (e.g. a store or a queue), spread onto the host. */
  expose?: X;
}

/**
 * A service as the host runs it: its name, config, schema and migrations, what it needs from the
 * platform (outbox relay, event consumer, a Redis client for requests), its HTTP error table, and
 * `wire`, which builds its adapters and use cases from what the host opened.
 *
 * @example
 * export const catalogService = defineService({
 *   name: 'workflow-catalog',
 *   loadConfig: loadCatalogConfig,
 *   schema: CATALOG_SCHEMA,
 *   migrations,
 *   outbox: true,
 *   consumer: 'workflow-catalog',
 *   errors: CATALOG_ERROR_STATUS,
 *   wire: ({ db, verify, logger }) => {
 *     const useCases = buildUseCases({ store: new PostgresWorkflowStore(db), ... });
 *     return {
 *       routes: [['/workflows', requireAuth(verify), workflowRoutes(useCases)]],
 *       eventHandlers: executionEventHandlers(useCases.recordExecution, logger),
 *     };
 *   },
 * });
 */
export interface ServiceDefinition<C extends HostConfig, DB, O, X extends object> {
  /** The logger's and the metrics' `service` label. */
  name: string;
  /** Parses the environment (main.ts and lambda.ts pass `process.env`, tests an object). */
  loadConfig(env: Record<string, string | undefined>): C;
  /** The service's Postgres schema, created and migrated at boot. */
  schema: string;
  migrations: Migrations;
  /** Pool size. @default 10 */
  poolSize?(config: C): number;
  /** `'request'`: commands give up after one retry (sign-in answers 503 instead of hanging). @default 'queue' */
  redis?: 'queue' | 'request';
  /** Runs an outbox relay that publishes the events its transactions append. */
  outbox?: boolean;
  /** Consumes the events the routing table sends to this consumer's queue, with `wire`'s `eventHandlers`. */
  consumer?: ConsumerName;
  /**
   * Whether the long-running process long-polls that queue itself (a Lambda never does: its SQS
   * event source hands it the records). False where another process owns the queue.
   * @default always
   */
  pollsInbox?(config: C): boolean;
  /** The service's code → status table (adapters/http/error-status.ts), over the platform's. */
  errors?: ErrorStatusTable;
  http?: {
    /** JSON body limit. @default config.BODY_LIMIT_BYTES */
    bodyLimitBytes?(config: C): number;
    /** Keep the raw body on `req.rawBody` (HMAC checks). */
    keepRawBody?: boolean;
  };
  /** Where the server listens. @default config.PORT */
  port?(config: C): number;
  /** Builds the service's adapters and use cases; `options` are the host options (test seams). */
  wire(infra: Infra<C, DB>, options: O): Promise<Wiring<X>> | Wiring<X>;
}

/** Names a service definition, inferring its types. */
export function defineService<C extends HostConfig, DB, O = object, X extends object = object>(
  definition: ServiceDefinition<C, DB, O, X>,
): ServiceDefinition<C, DB, O, X> {
  return definition;
}
