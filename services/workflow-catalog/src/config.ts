import path from 'node:path';
import { z } from 'zod';
import {
  authEnv,
  secretsEnv,
  baseEnv,
  busEnv,
  dbEnv,
  httpEnv,
  loadConfig,
  payloadEnv,
  redisEnv,
  schedulesEnv,
} from '@flowgenie/platform';

export const ConfigSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  ...busEnv,
  ...authEnv,
  ...secretsEnv,
  /** The schedule backend (as the trigger service's): with `aws`, a cron it cannot run is refused at publish. */
  ...schedulesEnv,
  /** Where graphs too large to announce inline are stored (workflow.published / activated carry graphRef). */
  ...payloadEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Outbox relay fallback poll, for when a NOTIFY is missed (the relay is woken at each commit anyway). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** The auth service's own address: publish and activation check the workflow's connections there. */
  AUTH_INTERNAL_URL: z.string().url().default('https://127.0.0.1:3001'),
  /** The execution service's own address: the workflows list and detail read each workflow's last run there. */
  EXECUTION_INTERNAL_URL: z.string().url().default('https://127.0.0.1:3004'),
  /** How long a list or detail waits for the execution service before showing the last run as unknown. */
  EXECUTION_INTERNAL_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1500),
  /** Service-to-service token for auth's internal endpoints; else INTERNAL_SERVICE_TOKEN_FILE (created when missing). */
  INTERNAL_SERVICE_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  INTERNAL_SERVICE_TOKEN_FILE: z
    .string()
    .min(1)
    .default(path.resolve(__dirname, '..', '..', '..', '.data', 'internal.token')),
});
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses this service's environment (main.ts passes `process.env`, tests a plain object). */
export function loadCatalogConfig(env: Record<string, string | undefined>): Config {
  return loadConfig(ConfigSchema, env);
}
