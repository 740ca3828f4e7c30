import path from 'node:path';
import { z } from 'zod';
import { authEnv, baseEnv, busEnv, dbEnv, httpEnv, loadConfig as loadPlatformConfig, redisEnv } from '@flowgenie/platform';

/** The repository root (services/auth/src -> ../../..), home of the default data directory. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const positiveInt = z.coerce.number().int().positive();

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
  /** Where the key that encrypts secrets at rest comes from; `local` = the key file in DATA_DIR (KMS later). */
  SECRETS_KEY_PROVIDER: z.enum(['local']).default('local'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt.max(365).default(30),
  /**
   * argon2id cost. Unset = the argon2 library defaults (production). Tests lower them to stay fast;
   * lowering them in production weakens every password hash written meanwhile.
   */
  ARGON2_MEMORY_KIB: positiveInt.min(1024).optional(),
  ARGON2_TIME_COST: positiveInt.optional(),
  ARGON2_PARALLELISM: positiveInt.max(16).optional(),
  /** Failed sign-ins allowed per account (and per client IP) within the window, then 429. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(50),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(15 * 60),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses this service's configuration; `env` is `process.env` in main.ts and a literal in tests. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  return loadPlatformConfig(ConfigSchema, env);
}

/** The schema every table of this service lives in. */
export const AUTH_SCHEMA = 'auth';
