import { z } from 'zod';
import {
  authEnv,
  secretsEnv,
  baseEnv,
  busEnv,
  dbEnv,
  httpEnv,
  loadConfig,
  redisEnv,
} from '@flowgenie/platform';

export const ConfigSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  ...busEnv,
  ...authEnv,
  ...secretsEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Outbox relay fallback poll, for when a NOTIFY is missed (the relay is woken at each commit anyway). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});
export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses this service's environment (main.ts passes `process.env`, tests a plain object). */
export function loadCatalogConfig(env: Record<string, string | undefined>): Config {
  return loadConfig(ConfigSchema, env);
}
