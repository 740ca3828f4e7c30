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
  schedulesBackend,
  schedulesEnv,
} from '@flowgenie/platform';

const MAX_HOOK_BODY = 10 * 1024 * 1024;
/** An unset or empty variable is absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const TriggerEnvSchema = z.object({
  ...baseEnv,
  ...httpEnv,
  ...dbEnv,
  ...redisEnv,
  ...busEnv,
  ...authEnv,
  ...secretsEnv,
  ...payloadEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** The catalog's internal API (run-spec for manual runs); never routed by the gateway. */
  CATALOG_INTERNAL_URL: z.string().url().default('https://127.0.0.1:3002'),
  /** The public gateway; 202 answers carry `Location: <this>/api/executions/{id}`. */
  PUBLIC_BASE_URL: z.string().url().default('https://localhost:8443'),
  /**
   * A firing's key (webhook `Idempotency-Key`, schedule tick, polled item, Slack event) is
   * forgotten this many days after the firing: a call repeating the key later starts a new
   * execution.
   */
  FIRING_KEYS_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
  /** How long a respond_node webhook holds the caller before answering 202 with the status URL. */
  WEBHOOK_WAIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(300_000).default(30_000),
  /** How long a builder's "listen for test event" test URL waits for its one call. */
  TEST_WEBHOOK_LISTEN_SECONDS: z.coerce.number().int().min(1).max(900).default(120),
  /** Calls per minute one webhook accepts before answering 429 (a node's `rateLimitPerMinute` overrides it). */
  WEBHOOK_RATE_LIMIT_PER_HOOK: z.coerce.number().int().min(1).default(120),
  /** Calls per minute one client IP may make to all webhooks together before 429. */
  WEBHOOK_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(600),
  /** Largest webhook body accepted (413 above); at most 10 MB. */
  HOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(MAX_HOOK_BODY)
    .default(1024 * 1024),
  /** The auth service's own address, where polling and Slack triggers get their connections' tokens. */
  AUTH_INTERNAL_URL: z.string().url().default('https://127.0.0.1:3001'),
  /** Service-to-service token for auth's internal endpoints; else INTERNAL_SERVICE_TOKEN_FILE (created when missing). */
  INTERNAL_SERVICE_TOKEN: optional(z.string().min(32, 'must be at least 32 characters')),
  INTERNAL_SERVICE_TOKEN_FILE: z
    .string()
    .min(1)
    .default(path.resolve(__dirname, '..', '..', '..', '.data', 'internal.token')),
  /** Slack app signing secret: Slack events are refused (503) without it. */
  SLACK_SIGNING_SECRET: optional(z.string().min(1)),
  /** Google / Slack base URL override (the local fakes); unset: the real providers. */
  GOOGLE_BASE_URL: optional(z.string().url()),
  SLACK_BASE_URL: optional(z.string().url()),
  /** `aws`: one EventBridge Scheduler schedule per workflow, firing into SCHEDULE_TARGET_QUEUE_ARN. */
  ...schedulesEnv,
  /** EventBridge Scheduler: the schedule group the schedules are created in (SCHEDULES=aws). */
  SCHEDULE_GROUP_NAME: optional(z.string().min(1).max(64)),
  /** EventBridge Scheduler: the role Scheduler assumes to send a firing (SCHEDULES=aws). */
  SCHEDULER_ROLE_ARN: optional(z.string().startsWith('arn:')),
  /** EventBridge Scheduler: the trigger service's SQS queue firings are sent to (SCHEDULES=aws). */
  SCHEDULE_TARGET_QUEUE_ARN: optional(z.string().startsWith('arn:')),
});

export type Config = Readonly<z.infer<typeof TriggerEnvSchema>>;

/** Parses the trigger service's environment once (main.ts passes process.env, tests a literal). */
export function loadTriggerConfig(env: Record<string, string | undefined>): Config {
  const config = loadConfig(TriggerEnvSchema, env);
  if (schedulesBackend(config) === 'aws') {
    const missing = (
      ['SCHEDULE_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_TARGET_QUEUE_ARN'] as const
    ).filter((name) => !config[name]);
    if (missing.length)
      throw new Error(
        `invalid configuration:\n${missing.map((name) => `  ${name}: required when schedules run on EventBridge Scheduler (SCHEDULES=aws, or EVENT_BUS=aws without SCHEDULES)`).join('\n')}`,
      );
  }
  return config;
}

export { schedulesBackend };
