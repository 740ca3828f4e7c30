import path from 'node:path';
import { z } from 'zod';
import {
  authEnv,
  baseEnv,
  busEnv,
  dbEnv,
  envBool,
  httpEnv,
  loadConfig as loadPlatformConfig,
  redisEnv,
} from '@flowgenie/platform';

/** The repository root (services/auth/src -> ../../..), home of the default data directory. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const positiveInt = z.coerce.number().int().positive();
/** An empty variable counts as unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const ConfigSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  // Auth publishes and consumes no events yet; the bus settings are here so every service reads the same ones.
  ...busEnv,
  ...authEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /**
   * Local state of this machine. Holds `auth-keys.key`, the key that encrypts the token signing key
   * in the database: losing it makes the stored signing key unreadable and the service refuses to boot.
   */
  DATA_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.data')),
  /**
   * Where the key that encrypts secrets at rest (signing keys, connection tokens) comes from:
   * `local` = the key file `auth-keys.key` in DATA_DIR; `kms` = AWS KMS under SECRETS_KMS_KEY_ID.
   */
  SECRETS_KEY_PROVIDER: z.enum(['local', 'kms']).default('local'),
  SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
  /**
   * Connections: the Slack app's OAuth client (unset: connecting Slack, or Google without
   * GOOGLE_CLIENT_ID, answers 409 provider_not_configured). Redirect URI of both providers:
   * `<PUBLIC_BASE_URL>/api/connections/oauth/callback`.
   */
  SLACK_CLIENT_ID: unsetWhenEmpty(z.string().trim().min(1)),
  SLACK_CLIENT_SECRET: unsetWhenEmpty(z.string().min(1)),
  /** Every Slack endpoint on this base URL (the local fake); unset = Slack itself. */
  SLACK_BASE_URL: unsetWhenEmpty(z.string().url()),
  /**
   * The shared secret other services present on `/internal/connections/*`. Unset: read from
   * INTERNAL_SERVICE_TOKEN_FILE (default `<DATA_DIR>/internal.token`, created 0600 when missing).
   */
  INTERNAL_SERVICE_TOKEN: unsetWhenEmpty(z.string().min(32, 'must be at least 32 characters')),
  INTERNAL_SERVICE_TOKEN_FILE: unsetWhenEmpty(z.string().min(1)),
  /**
   * Endpoints users type in (OAuth2 token URLs) are refused when they resolve to a non-public
   * address, as the HTTP request step does. Same switches as the execution service.
   */
  HTTP_ALLOW_LOOPBACK: envBool.default(false),
  HTTP_ALLOW_PRIVATE_NETWORKS: envBool.default(false),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
  /**
   * Lifetime of tokens exchanged from API keys (capped by ACCESS_TOKEN_TTL_SECONDS): how long a
   * token outlives the revocation of its key, at most.
   */
  API_KEY_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(300),
  /**
   * A refresh token presented again this soon after its rotation gets another token of its family
   * instead of revoking it (two tabs refreshing at once). 0 turns the grace off.
   */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(20),
  /** The public origin of the web app (the gateway); the refresh cookie is only honoured from it. */
  PUBLIC_BASE_URL: z.string().url().default('https://localhost:8443'),
  /** Comma-separated origins allowed to use the refresh cookie; unset = the origin of PUBLIC_BASE_URL. */
  AUTH_ALLOWED_ORIGINS: z
    .string()
    .refine(
      (v) => v.split(',').every((o) => o.trim() === '' || URL.canParse(o.trim())),
      'must be comma-separated origins (https://host:port)',
    )
    .optional(),
  REFRESH_TOKEN_TTL_DAYS: positiveInt.max(365).default(30),
  /**
   * argon2id cost. Unset = the argon2 library defaults (production). Tests lower them to stay fast;
   * lowering them in production weakens every password hash written meanwhile.
   */
  ARGON2_MEMORY_KIB: positiveInt.min(1024).optional(),
  ARGON2_TIME_COST: positiveInt.optional(),
  ARGON2_PARALLELISM: positiveInt.max(16).optional(),
  /**
   * Sign-in throttling. One account from one address: this many failures go through at once, then
   * each further attempt waits LOGIN_BACKOFF_BASE_SECONDS, doubling per failure up to
   * LOGIN_BACKOFF_MAX_SECONDS. Ceilings within LOGIN_FAILURE_WINDOW_SECONDS: failures per account
   * across all addresses, and per address across all accounts. Past any of them: 429 + Retry-After.
   */
  LOGIN_FAILURES_BEFORE_BACKOFF: positiveInt.default(5),
  LOGIN_BACKOFF_BASE_SECONDS: positiveInt.default(2),
  LOGIN_BACKOFF_MAX_SECONDS: positiveInt.default(15 * 60),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(100),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(15 * 60),
  /** Sign-ups per client address within the window, then 429 + Retry-After. */
  SIGNUP_MAX_PER_IP: positiveInt.default(10),
  SIGNUP_WINDOW_SECONDS: positiveInt.default(60 * 60),
  /** Google OAuth client (Sign in with Google, Google connections); unset = Sign in with Google is off. */
  GOOGLE_CLIENT_ID: unsetWhenEmpty(z.string().trim().min(1)),
  GOOGLE_CLIENT_SECRET: unsetWhenEmpty(z.string().min(1)),
  /** Every Google endpoint on this base URL (the local fake); unset = Google itself. */
  GOOGLE_BASE_URL: unsetWhenEmpty(z.string().url()),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses this service's configuration; `env` is `process.env` in main.ts and a literal in tests. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return loadPlatformConfig(ConfigSchema, env);
}

/** Origins whose requests may use the refresh cookie (refresh, logout). */
export function allowedOrigins(
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'AUTH_ALLOWED_ORIGINS'>,
): string[] {
  if (config.AUTH_ALLOWED_ORIGINS) {
    return config.AUTH_ALLOWED_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => new URL(o).origin);
  }
  return [new URL(config.PUBLIC_BASE_URL).origin];
}

/** The schema every table of this service lives in. */
export const AUTH_SCHEMA = 'auth';
