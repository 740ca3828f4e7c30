import type { Express, RequestHandler } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import type { Kysely } from 'kysely';
import type { EventConsumer, EventHandlers, EventPublisher } from '@flowgenie/messaging';
import { createEventConsumer, createEventPublisher } from '@flowgenie/messaging/factory';
import { messagingRetention, OutboxRelay } from '@flowgenie/messaging/outbox';
import {
  closeRedis,
  createHttpApp,
  createLogger,
  createMetrics,
  createRedis,
  createTokenVerifier,
  finishHttpApp,
  onShutdown,
  openMigratedDb,
  pingDb,
  pingRedis,
  resolveBootSecrets,
  startHttpServer,
  type DatabasePassword,
  type Logger,
  type Metrics,
  type Redis,
  type RunningServer,
  type TableRetention,
} from '@flowgenie/platform';
import {
  retentionLifecycle,
  type HostConfig,
  type Lifecycle,
  type ServiceDefinition,
  type StopOptions,
  type Wiring,
} from './service';

/** What every host takes besides the service's own options. */
export interface HostOptions {
  /** @default a pino logger named after the service, at config.LOG_LEVEL */
  logger?: Logger;
  /** Tests: verify access tokens against this key set instead of fetching the auth JWKS. */
  keySet?: JWTVerifyGetKey;
  /**
   * The database password per new connection, from a secret (`resolveBootSecrets`): a rotated
   * password is read again when the database refuses the cached one.
   */
  database?: DatabasePassword;
}

/** One running service: its parts, and `start()`/`stop()`. */
export interface HostCore<C extends HostConfig, DB> {
  name: string;
  config: C;
  logger: Logger;
  /** The HTTP app (the Lambda entry serves it too). */
  app: Express;
  db: Kysely<DB>;
  redis: Redis;
  /** The service's Prometheus registry and helpers (the Lambda entry flushes it as EMF). */
  metrics: Metrics;
  /** The outbox relay (when the service has an outbox); the Lambda entry drives it itself. */
  relay?: OutboxRelay;
  /** The retention of the outbox and inbox (when the service has an outbox). */
  messagingRetention?: TableRetention;
  /** The consumer's handlers; the Lambda entry gives them the SQS records. */
  eventHandlers?: EventHandlers;
  /**
   * Starts the relay, the lifecycles, the event consumer and the server, in that order. Called
   * again, it returns the same server; after `stop()` it throws.
   */
  start(): Promise<RunningServer>;
  /** The Lambda's cold start: only the lifecycles marked `inLambda` (the Lambda runs the relay itself). */
  startInLambda(): Promise<void>;
  /**
   * Stops taking requests and events, lets in-flight ones finish (unless `force`), stops the
   * lifecycles in reverse order, the relay, then closes Redis and the pool. Idempotent: a second
   * call returns the first one's promise.
   */
  stop(opts?: StopOptions): Promise<void>;
}

export type ServiceHost<C extends HostConfig, DB, X extends object = object> = HostCore<C, DB> & X;

/**
 * Builds a service from its definition: logger, database and migrations, Redis, metrics, token
 * verifier, outbox relay, event consumer, then the service's `wire`, then the HTTP app (platform
 * defaults, the service's routes, 404, the one error middleware with the service's status table).
 * Nothing runs until `start()`. When anything fails here, what was opened is closed again.
 *
 * @example
 * const catalog = await createHost(catalogService, config, { logger, keySet });
 * const server = await catalog.start();
 * await catalog.stop();
 */
export async function createHost<C extends HostConfig, DB, O, X extends object>(
  def: ServiceDefinition<C, DB, O, X>,
  config: C,
  options: HostOptions & O = {} as HostOptions & O,
): Promise<ServiceHost<C, DB, X>> {
  const logger =
    options.logger ??
    createLogger({ service: def.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const db = await openMigratedDb<DB>({
    url: config.DATABASE_URL,
    schema: def.schema,
    migrations: def.migrations,
    max: def.poolSize?.(config),
    logger,
    password: options.database,
  });
  // The platform's schema-agnostic helpers (relay, readiness) take any database.
  const anyDb = db as unknown as Kysely<unknown>;
  const redis = createRedis(config.REDIS_URL, { use: def.redis ?? 'queue', logger });
  const metrics = createMetrics(def.name);
  const verify = createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    keySet: options.keySet,
  });

  let publisher: EventPublisher | undefined;
  let relay: OutboxRelay | undefined;
  let consumer: EventConsumer | undefined;
  let wiring: Wiring<X>;
  const closeInfra = async () => {
    await relay?.stop();
    await publisher?.close();
    await closeRedis(redis);
    await db.destroy();
  };
  try {
    if (def.outbox) {
      publisher = createEventPublisher(config, { redis, logger });
      relay = new OutboxRelay({
        db: anyDb,
        schema: def.schema,
        databaseUrl: config.DATABASE_URL,
        publisher,
        logger,
        pollMs: config.OUTBOX_POLL_MS,
        holdForIntake: config.EVENT_BUS === 'local' && config.EVENTS_IN_PROCESS,
      });
    }
    if (def.consumer && (def.pollsInbox?.(config) ?? true))
      consumer = createEventConsumer(def.consumer, config, { redis, logger });
    wiring = await def.wire({ config, logger, db, redis, metrics, verify, outbox: relay }, options);
    if (wiring.eventHandlers && !def.consumer)
      throw new Error(`${def.name} has event handlers but no consumer`);
  } catch (err) {
    await closeInfra();
    throw err;
  }

  const app = createHttpApp({
    logger,
    metrics,
    bodyLimitBytes: def.http?.bodyLimitBytes?.(config) ?? config.BODY_LIMIT_BYTES,
    keepRawBody: def.http?.keepRawBody,
    readiness: { db: () => pingDb(anyDb), redis: () => pingRedis(redis) },
  });
  for (const [path, ...handlers] of wiring.routes ?? [])
    app.use(path, ...(handlers as RequestHandler[]));
  finishHttpApp(app, { logger, errors: def.errors });

  // Every service with an outbox has the messaging tables (its inbox too): kept to their retention.
  const retention = def.outbox
    ? messagingRetention({
        db,
        logger,
        outboxKeepMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
        inboxKeepMs: config.INBOX_RETENTION_DAYS * 86_400_000,
      })
    : undefined;
  const lifecycles: Lifecycle[] = [
    ...(retention ? [retentionLifecycle(retention)] : []),
    ...(wiring.lifecycles ?? []),
  ];
  let server: RunningServer | undefined;
  let starting: Promise<RunningServer> | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (): Promise<RunningServer> => {
    await relay?.start();
    for (const lifecycle of lifecycles) await lifecycle.start?.();
    if (consumer && wiring.eventHandlers) await consumer.start(wiring.eventHandlers);
    server = await startHttpServer(app, {
      port: def.port?.(config) ?? config.PORT,
      host: config.HOST,
      tlsCertFile: config.TLS_CERT_FILE,
      tlsKeyFile: config.TLS_KEY_FILE,
    });
    wiring.onStarted?.();
    return server;
  };

  const stop = async (opts: StopOptions): Promise<void> => {
    await starting?.catch(() => undefined);
    const closing = server?.close();
    for (const lifecycle of lifecycles) await lifecycle.release?.();
    await closing;
    await consumer?.stop();
    for (const lifecycle of [...lifecycles].reverse()) await lifecycle.stop?.(opts);
    await closeInfra();
  };

  const core: HostCore<C, DB> = {
    name: def.name,
    config,
    logger,
    app,
    db,
    redis,
    metrics,
    relay,
    messagingRetention: retention,
    eventHandlers: wiring.eventHandlers,
    start() {
      if (stopping) return Promise.reject(new Error(`${def.name} is stopped`));
      starting ??= start();
      return starting;
    },
    async startInLambda() {
      if (stopping) throw new Error(`${def.name} is stopped`);
      for (const lifecycle of lifecycles) if (lifecycle.inLambda) await lifecycle.start?.();
    },
    stop(opts: StopOptions = {}) {
      stopping ??= stop(opts);
      return stopping;
    },
  };
  return Object.assign(core, wiring.expose);
}

/**
 * A service's process entry (main.ts): reads the secrets the environment names by ARN
 * (`resolveBootSecrets`), loads the config from the environment, builds the host,
 * stops it on SIGINT/SIGTERM (in-flight work finishes first, within `shutdownTimeoutMs`), starts
 * it and logs `{url}` 'listening'. A failed boot prints the error and exits 1.
 *
 * @example
 * // services/workflow-catalog/src/main.ts
 * runService(catalogService);
 */
export function runService<C extends HostConfig, DB, O, X extends object>(
  def: ServiceDefinition<C, DB, O, X>,
  opts: {
    env?: Record<string, string | undefined>;
    options?: HostOptions & O;
    shutdownTimeoutMs?: number;
  } = {},
): void {
  (async () => {
    const { env, database } = await resolveBootSecrets(opts.env ?? process.env);
    const options = { ...opts.options, ...(database && { database }) } as HostOptions & O;
    const host = await createHost(def, def.loadConfig(env), options);
    onShutdown(host.logger, () => host.stop(), opts.shutdownTimeoutMs);
    const server = await host.start();
    host.logger.info({ url: server.url }, 'listening');
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
