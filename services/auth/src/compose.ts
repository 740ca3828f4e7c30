import path from 'node:path';
import type { Express } from 'express';
import type { OutboxRelay } from '@flowgenie/messaging/outbox';
import type { Kysely } from 'kysely';
import {
  createDb,
  createHttpApp,
  createLogger,
  createMetrics,
  closeRedis,
  createRedis,
  createTokenVerifier,
  ensureDatabase,
  finishHttpApp,
  pingDb,
  pingRedis,
  runMigrations,
  startHttpServer,
  type Logger,
  type RunningServer,
} from '@flowgenie/platform';
import { CreateApiKey } from './app/create-api-key';
import { ExchangeApiKey } from './app/exchange-api-key';
import { GetCurrentUser } from './app/get-current-user';
import { GetPublicKeys } from './app/get-public-keys';
import { ListApiKeys } from './app/list-api-keys';
import { LogIn } from './app/log-in';
import { LogOut } from './app/log-out';
import { RefreshSession } from './app/refresh-session';
import { RevokeApiKey } from './app/revoke-api-key';
import { SessionIssuer } from './app/session-issuer';
import { SignUp } from './app/sign-up';
import { Argon2PasswordHasher } from './adapters/crypto/argon2-password-hasher';
import { JoseAccessTokenIssuer } from './adapters/crypto/jose-access-token-issuer';
import { LocalFileSecretsKey } from '@flowgenie/platform';
import { authRoutes } from './adapters/http/auth.routes';
import { jwksRoutes } from './adapters/http/jwks.routes';
import { googleSignInRoutes } from './adapters/http/google-sign-in.routes';
import { googleSignInSetup } from './adapters/google/google-sign-in-setup';
import { PgGoogleIdentityRepository } from './adapters/persistence/google-identity.repository';
import { RedisPendingGoogleLinks } from './adapters/redis/redis-pending-google-links';
import { LinkGoogleIdentity } from './app/link-google-identity';
import { SignInWithGoogle } from './app/sign-in-with-google';
import { PgApiKeyRepository } from './adapters/persistence/api-key.repository';
import type { AuthDb } from './adapters/persistence/auth.tables';
import { migrations } from './adapters/persistence/migrations';
import { PgRefreshTokenRepository } from './adapters/persistence/refresh-token.repository';
import { PgSigningKeyStore } from './adapters/persistence/signing-key.repository';
import { PgUserRepository } from './adapters/persistence/user.repository';
import { RedisLoginThrottle } from './adapters/redis/redis-login-throttle';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter';
import { composeConnections } from './compose-connections';
import { allowedOrigins, AUTH_SCHEMA, type Config } from './config';
import { systemClock, type Clock } from './ports/clock';
import type { SecretsKey } from './ports/secrets-key';

export const SECRETS_KEY_FILE = 'auth-keys.key';

export interface ComposeOptions {
  logger?: Logger;
  /** Tests move time to issue tokens that are already expired. */
  clock?: Clock;
}

export interface AuthService {
  app: Express;
  /** Publishes connection.created/revoked; the Lambda entry drives it itself. */
  relay: OutboxRelay;
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

async function openSecretsKey(config: Config, logger: Logger): Promise<SecretsKey> {
  switch (config.SECRETS_KEY_PROVIDER) {
    case 'local':
      return LocalFileSecretsKey.open(path.join(config.DATA_DIR, SECRETS_KEY_FILE), {
        warn: (m) => logger.warn(m),
      });
  }
}

/**
 * The composition root of the auth service: migrates its schema, loads (or on first boot creates)
 * the token signing key, wires use cases to adapters and mounts the routes.
 *
 * @example
 * const service = await compose(loadConfig(process.env));
 * const server = await service.start();
 */
export async function compose(config: Config, opts: ComposeOptions = {}): Promise<AuthService> {
  const logger =
    opts.logger ??
    createLogger({ service: 'auth', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const clock = opts.clock ?? systemClock;

  await ensureDatabase(config.DATABASE_URL);
  const db = createDb<AuthDb>({ url: config.DATABASE_URL, schema: AUTH_SCHEMA, logger });
  // The platform's schema-agnostic helpers take any database.
  const untypedDb = db as unknown as Kysely<unknown>;
  // Sign-in gives up quickly when Redis is away, so it answers 503 instead of hanging.
  const redis = createRedis(config.REDIS_URL, { use: 'request', logger });
  const closeClients = async () => {
    redis.disconnect();
    await db.destroy();
  };

  const hasher = new Argon2PasswordHasher({
    memoryKib: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  });
  let accessTokens: JoseAccessTokenIssuer;
  let secretsKey: SecretsKey;
  try {
    // Computed now, not on the first unknown-email sign-in, which would otherwise take twice as long.
    await hasher.dummyHash();
    await runMigrations(untypedDb, AUTH_SCHEMA, migrations);
    accessTokens = await JoseAccessTokenIssuer.load({
      store: new PgSigningKeyStore(db),
      secrets: (secretsKey = await openSecretsKey(config, logger)),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    });
  } catch (err) {
    await closeClients();
    throw err;
  }

  const users = new PgUserRepository(db);
  const refreshTokens = new PgRefreshTokenRepository(db);
  const apiKeys = new PgApiKeyRepository(db);
  const throttle = new RedisLoginThrottle(redis, config.REDIS_PREFIX, {
    failuresBeforeBackoff: config.LOGIN_FAILURES_BEFORE_BACKOFF,
    backoffBaseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
    backoffMaxSeconds: config.LOGIN_BACKOFF_MAX_SECONDS,
    maxFailuresPerAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
    windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  });
  const signupLimiter = new RedisRateLimiter(redis, config.REDIS_PREFIX, {
    name: 'sign-up',
    max: config.SIGNUP_MAX_PER_IP,
    windowSeconds: config.SIGNUP_WINDOW_SECONDS,
  });
  const refreshTtlDays = config.REFRESH_TOKEN_TTL_DAYS;
  const sessions = new SessionIssuer({ accessTokens, refreshTokens, clock, refreshTtlDays });

  // This service verifies its own tokens with its own keys: same checks as every other service, no JWKS round trip.
  const verify = createTokenVerifier({
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    keySet: accessTokens.localKeySet(),
  });

  const metrics = createMetrics('auth');
  const app = createHttpApp({
    logger,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    readiness: { db: () => pingDb(untypedDb), redis: () => pingRedis(redis) },
  });
  app.use(jwksRoutes(new GetPublicKeys({ accessTokens })));
  const googleIdentities = new PgGoogleIdentityRepository(db);
  const googleLinks = new RedisPendingGoogleLinks(redis, config.REDIS_PREFIX);
  app.use(
    '/auth/google',
    googleSignInRoutes({
      setup: googleSignInSetup(config, redis),
      signIn: new SignInWithGoogle({ identities: googleIdentities, links: googleLinks, sessions }),
      link: new LinkGoogleIdentity({ identities: googleIdentities, links: googleLinks }),
      verify,
      logger,
    }),
  );
  app.use(
    '/auth',
    authRoutes(
      {
        signUp: new SignUp({ users, hasher, sessions, limiter: signupLimiter }),
        logIn: new LogIn({ users, hasher, throttle, sessions }),
        refreshSession: new RefreshSession({
          users,
          refreshTokens,
          accessTokens,
          clock,
          refreshTtlDays,
          reuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
          log: logger,
        }),
        logOut: new LogOut({ refreshTokens, clock }),
        getCurrentUser: new GetCurrentUser({ users }),
        createApiKey: new CreateApiKey({ apiKeys }),
        listApiKeys: new ListApiKeys({ apiKeys }),
        revokeApiKey: new RevokeApiKey({ apiKeys, clock }),
        exchangeApiKey: new ExchangeApiKey({ apiKeys, users, accessTokens, clock, ttlSeconds: config.API_KEY_TOKEN_TTL_SECONDS }),
      },
      verify,
      { allowedOrigins: allowedOrigins(config) },
    ),
  );
  const connections = await composeConnections({ config, db, redis, secretsKey, verify, logger, clock });
  app.use('/connections', connections.publicRoutes);
  app.use('/internal/connections', connections.internalRoutes);
  finishHttpApp(app, { logger });

  let server: RunningServer | undefined;
  let stopped = false;
  return {
    app,
    relay: connections.relay,
    async start() {
      if (!server) await connections.relay.start();
      server ??= await startHttpServer(app, {
        port: config.PORT,
        host: config.HOST,
        tlsCertFile: config.TLS_CERT_FILE,
        tlsKeyFile: config.TLS_KEY_FILE,
      });
      return server;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server?.close();
      await connections.close();
      await closeRedis(redis);
      await db.destroy();
    },
  };
}
