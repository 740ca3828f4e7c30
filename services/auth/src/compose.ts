import path from 'node:path';
import type { Logger } from '@flowgenie/platform';
import { createTokenVerifier, openSecretsKey as openPlatformSecretsKey } from '@flowgenie/platform';
import {
  createHost,
  defineService,
  type HostOptions,
  type Infra,
  type RouteMount,
} from '@flowgenie/runtime';
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
import { authRoutes } from './adapters/http/auth.routes';
import { AUTH_ERROR_STATUS } from './adapters/http/error-status';
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
import { allowedOrigins, AUTH_SCHEMA, loadConfig, type Config } from './config';
import { systemClock, type Clock } from './ports/clock';
import type { SecretsKey } from './ports/secrets-key';

export const SECRETS_KEY_FILE = 'auth-keys.key';

export interface AuthOptions {
  /** Tests move time to issue tokens that are already expired. */
  clock?: Clock;
}

async function openSecretsKey(config: Config, logger: Logger): Promise<SecretsKey> {
  return openPlatformSecretsKey(
    {
      provider: config.SECRETS_KEY_PROVIDER,
      file: path.join(config.DATA_DIR, SECRETS_KEY_FILE),
      kmsKeyId: config.SECRETS_KMS_KEY_ID,
    },
    { warn: (m) => logger.warn(m) },
  );
}

/**
 * Loads (or on first boot creates) the token signing key, wires use cases to adapters and lists
 * the routes.
 */
async function wire({ config, db, redis, logger }: Infra<Config, AuthDb>, options: AuthOptions) {
  const clock = options.clock ?? systemClock;
  const hasher = new Argon2PasswordHasher({
    memoryKib: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  });
  // Computed now, not on the first unknown-email sign-in, which would otherwise take twice as long.
  await hasher.dummyHash();
  const secretsKey = await openSecretsKey(config, logger);
  const accessTokens = await JoseAccessTokenIssuer.load({
    store: new PgSigningKeyStore(db),
    secrets: secretsKey,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });

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

  const googleIdentities = new PgGoogleIdentityRepository(db);
  const googleLinks = new RedisPendingGoogleLinks(redis, config.REDIS_PREFIX);
  const routes: RouteMount[] = [
    ['/', jwksRoutes(new GetPublicKeys({ accessTokens }))],
    [
      '/auth/google',
      googleSignInRoutes({
        setup: googleSignInSetup(config, redis),
        signIn: new SignInWithGoogle({
          identities: googleIdentities,
          links: googleLinks,
          sessions,
        }),
        link: new LinkGoogleIdentity({ identities: googleIdentities, links: googleLinks }),
        verify,
        logger,
      }),
    ],
    [
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
          exchangeApiKey: new ExchangeApiKey({
            apiKeys,
            users,
            accessTokens,
            clock,
            ttlSeconds: config.API_KEY_TOKEN_TTL_SECONDS,
          }),
        },
        verify,
        { allowedOrigins: allowedOrigins(config) },
      ),
    ],
  ];
  const connections = await composeConnections({
    config,
    db,
    redis,
    secretsKey,
    verify,
    logger,
    clock,
  });
  routes.push(
    ['/connections', connections.publicRoutes],
    ['/internal/connections', connections.internalRoutes],
  );
  return { routes };
}

/**
 * The auth service as the host runs it: schema `auth`, an outbox (connection.* events), a Redis client that gives up
 * quickly (sign-in answers 503 instead of hanging when Redis is away). See @flowgenie/runtime.
 */
export const authService = defineService<Config, AuthDb, AuthOptions>({
  name: 'auth',
  loadConfig,
  schema: AUTH_SCHEMA,
  migrations,
  redis: 'request',
  // connection.created / connection.revoked
  outbox: true,
  errors: AUTH_ERROR_STATUS,
  wire,
});

export type AuthHostOptions = HostOptions & AuthOptions;

/**
 * The auth service on `config`, not started.
 *
 * @example
 * const service = await compose(loadConfig(process.env));
 * const server = await service.start();
 */
export const compose = (config: Config, opts: AuthHostOptions = {}) =>
  createHost(authService, config, opts);
export type AuthService = Awaited<ReturnType<typeof compose>>;
