import { z } from 'zod';

/**
 * Parses the environment once at boot against a zod schema and freezes the result.
 * A bad or missing variable stops the process with a message naming it.
 *
 * @example
 * const config = loadConfig(z.object({ ...httpEnv, ...dbEnv }), process.env);
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv | Record<string, string | undefined>): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', ''])])
  .transform((v) => v === true || v === 'true' || v === '1');

/** Shared fragments of service configuration. */
export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for a terminal, `json` for machines (the default). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
};
export const httpEnv = {
  HOST: z.string().default('127.0.0.1'),
  /** Both set: the service serves HTTPS with this certificate (TLS everywhere, dev included). */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** JSON body limit in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().max(10 * 1024 * 1024).default(1024 * 1024),
};
export const dbEnv = {
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/flowgenie'),
};
export const redisEnv = {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key of this deployment (tests use a fresh one each). */
  REDIS_PREFIX: z.string().default('fg'),
};
export const authEnv = {
  AUTH_JWKS_URL: z.string().url().default('https://127.0.0.1:3001/.well-known/jwks.json'),
  AUTH_ISSUER: z.string().default('https://flowgenie.local/auth'),
  AUTH_AUDIENCE: z.string().default('flowgenie-api'),
};
export const envBool = bool;
