import path from 'node:path';
import { z } from 'zod';
import {
  authEnv,
  baseEnv,
  busEnv,
  dbEnv,
  envBool,
  httpEnv,
  loadConfig as load,
  payloadEnv,
  redisEnv,
} from '@flowgenie/platform';

/** An optional setting where an empty value means unset (as a shell or .env file often writes it). */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const ConfigSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  ...busEnv,
  ...authEnv,
  ...payloadEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** The executor process serves only `/metrics`, `/healthz`, `/readyz` on this port. */
  EXECUTOR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  /**
   * Which `execution.*` events are written to the outbox (and so published): `routed` (default)
   * only the types the routing table sends to a consumer, none today, which saves an outbox row,
   * a NOTIFY and the relays' round trips per execution; `all` every one, for subscribers outside
   * the routing table (an EventBridge rule of your own, the bus archive).
   */
  EXECUTION_EVENTS: z.enum(['routed', 'all']).default('routed'),
  /**
   * Finished executions (their steps with them) are deleted this many days after they ended;
   * 0 (the default) keeps the history for ever. Unfinished ones never are.
   */
  EXECUTIONS_RETENTION_DAYS: z.coerce.number().min(0).max(3650).default(0),
  /** Steps one executor process runs at once. */
  EXECUTOR_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Let the HTTP step reach 127.0.0.0/8 and ::1. Off in production: a workflow author could
   * otherwise call services on the executor's own host. Tests and the local stack turn it on.
   */
  HTTP_ALLOW_LOOPBACK: envBool.default(false),
  /** Let the HTTP step reach every non-public address, cloud metadata included. Rarely right. */
  HTTP_ALLOW_PRIVATE_NETWORKS: envBool.default(false),
  /** Extra CA certificate (PEM file) the HTTP step trusts, e.g. the local dev CA. */
  HTTP_CA_FILE: z.string().optional(),
  /** Wall-clock budget of one `{{ }}` / JSONata expression. */
  EXPRESSION_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** Worker threads that evaluate expressions (each is stopped at its time or memory limit). */
  EXPRESSION_ISOLATES: z.coerce.number().int().min(1).max(32).default(2),
  EXPRESSION_MAX_HEAP_MB: z.coerce.number().int().min(16).max(4096).default(96),
  /**
   * An execution still `running` whose rows have not changed for this long, with no live job in
   * the steps queue, is re-driven by the reaper (lost enqueue, worker killed past stall recovery).
   */
  REAPER_STALE_MS: z.coerce.number().int().min(100).default(60_000),
  /** How often the reaper looks. Default: a third of REAPER_STALE_MS (at most 20 s). */
  REAPER_INTERVAL_MS: z.coerce.number().int().min(50).optional(),
  /**
   * Lock of a step job while a worker runs it (renewed at half-time). A killed worker's step is
   * taken over by another worker after about this long.
   */
  STEP_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** How often workers look for steps whose worker died (BullMQ stalled-job check). */
  STEP_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(30_000),
  /** Auth's own address (not the gateway's): steps get their connections' credentials from its internal endpoint. */
  AUTH_INTERNAL_URL: z.string().url().default('https://127.0.0.1:3001'),
  /** The service-to-service token auth expects. Unset: read once from INTERNAL_SERVICE_TOKEN_FILE. */
  INTERNAL_SERVICE_TOKEN: unsetIfEmpty(z.string().min(32, 'must be at least 32 characters')),
  /** Created (0600, random) by whichever service starts first when missing. */
  INTERNAL_SERVICE_TOKEN_FILE: z
    .string()
    .min(1)
    .default(path.resolve(__dirname, '..', '..', '..', '.data', 'internal.token')),
  /** One base URL for every Google / Slack API the steps call (the local fakes); unset: the real providers. */
  GOOGLE_BASE_URL: unsetIfEmpty(z.string().url()),
  SLACK_BASE_URL: unsetIfEmpty(z.string().url()),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses the environment (main.ts and main.worker.ts only) or a test's overrides. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined>): Config {
  return load(ConfigSchema, env);
}

export const SCHEMA = 'execution';
