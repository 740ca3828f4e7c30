import path from 'node:path';
import { z } from 'zod';

/**
 * Parses the environment once at boot against a zod schema and freezes the result.
 * A bad or missing variable stops the process with a message naming it.
 *
 * Schemas built from the shared fragments also get their cross-variable rules: `dbEnv` builds
 * DATABASE_URL from DATABASE_HOST/PORT/NAME/USER/PASSWORD when DATABASE_URL is absent, and
 * EVENT_BUS=aws needs EVENT_BUS_NAME, PAYLOAD_STORE=s3 PAYLOAD_BUCKET, SECRETS_KEY_PROVIDER=kms
 * SECRETS_KMS_KEY_ID.
 *
 * @example
 * const config = loadConfig(z.object({ ...httpEnv, ...dbEnv }), process.env);
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
): Readonly<z.infer<S>> {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : {};
  const lines: string[] = [];
  let input: Record<string, string | undefined> = env;
  if ('DATABASE_URL' in shape) {
    const resolved = withDatabaseUrl(env);
    input = resolved.env;
    lines.push(...resolved.problems);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    lines.push(
      ...parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  } else {
    lines.push(...crossProblems(parsed.data as Record<string, unknown>));
  }
  if (lines.length > 0) throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  return Object.freeze(parsed.data as z.infer<S>);
}

const present = (v: string | undefined): v is string => v !== undefined && v !== '';

/**
 * DATABASE_URL as given, or built from DATABASE_HOST (+ PORT, NAME, USER, PASSWORD) when it is
 * absent: how the AWS stacks describe the database. Returns the problems found, one per line.
 */
function withDatabaseUrl(env: Record<string, string | undefined>): {
  env: Record<string, string | undefined>;
  problems: string[];
} {
  if (present(env.DATABASE_URL)) return { env, problems: [] };
  if (present(env.DATABASE_SECRET_ARN) && !present(env.DATABASE_PASSWORD)) {
    return {
      env,
      problems: [
        '  DATABASE_SECRET_ARN: the secret was not read; a service entry resolves it with ' +
          'resolveBootSecrets before loading its configuration (or set DATABASE_PASSWORD)',
      ],
    };
  }
  if (!present(env.DATABASE_HOST)) return { env, problems: [] };
  const port = env.DATABASE_PORT ?? '5432';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535)
    return { env, problems: ['  DATABASE_PORT: must be a port number'] };
  const host =
    env.DATABASE_HOST.includes(':') && !env.DATABASE_HOST.startsWith('[')
      ? `[${env.DATABASE_HOST}]`
      : env.DATABASE_HOST;
  const enc = encodeURIComponent;
  const user = env.DATABASE_USER || 'postgres';
  const auth = present(env.DATABASE_PASSWORD)
    ? `${enc(user)}:${enc(env.DATABASE_PASSWORD)}`
    : enc(user);
  const sslmode = env.DATABASE_SSLMODE;
  if (present(sslmode) && !SSL_MODES.includes(sslmode))
    return { env, problems: [`  DATABASE_SSLMODE: one of ${SSL_MODES.join(', ')}`] };
  const query = present(sslmode) ? `?sslmode=${sslmode}` : '';
  const url = `postgres://${auth}@${host}:${port}/${enc(env.DATABASE_NAME || 'flowgenie')}${query}`;
  return { env: { ...env, DATABASE_URL: url }, problems: [] };
}

/** `verify-full`: TLS with the server's certificate checked (RDS forces TLS; its CA via NODE_EXTRA_CA_CERTS). */
const SSL_MODES = ['disable', 'no-verify', 'require', 'verify-full'];

/** Variables another one's value makes necessary: the process stops at boot, naming each. */
const REQUIRED_WITH: { name: string; when: string; value: string }[] = [
  { name: 'EVENT_BUS_NAME', when: 'EVENT_BUS', value: 'aws' },
  { name: 'PAYLOAD_BUCKET', when: 'PAYLOAD_STORE', value: 's3' },
  { name: 'SECRETS_KMS_KEY_ID', when: 'SECRETS_KEY_PROVIDER', value: 'kms' },
];

function crossProblems(config: Record<string, unknown>): string[] {
  return REQUIRED_WITH.filter((r) => config[r.when] === r.value && !config[r.name]).map(
    (r) => `  ${r.name}: required when ${r.when}=${r.value}`,
  );
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
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(10 * 1024 * 1024)
    .default(1024 * 1024),
};
/**
 * The database: DATABASE_URL, or (when it is absent) the parts the AWS stacks hand over, from
 * which `loadConfig` builds DATABASE_URL. DATABASE_SECRET_ARN is read at boot by the service entry
 * (`resolveBootSecrets`, Secrets Manager), which fills in DATABASE_USER and DATABASE_PASSWORD.
 */
export const dbEnv = {
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/flowgenie'),
  DATABASE_HOST: z.string().optional(),
  /** @default 5432 */
  DATABASE_PORT: z.string().optional(),
  /** @default flowgenie */
  DATABASE_NAME: z.string().optional(),
  /** @default postgres */
  DATABASE_USER: z.string().optional(),
  DATABASE_PASSWORD: z.string().optional(),
  /** The RDS-managed secret holding `username` and `password` (read at boot: see above). */
  DATABASE_SECRET_ARN: z.string().optional(),
  /** TLS to the database when DATABASE_URL is built from the parts (`verify-full` on AWS). */
  DATABASE_SSLMODE: z.string().optional(),
};
export const redisEnv = {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key of this deployment (tests use a fresh one each). */
  REDIS_PREFIX: z.string().default('fg'),
};
/**
 * Which event bus adapters a service uses. `local` (the default): BullMQ on Redis, fanned out by
 * the routing table. `aws`: EventBridge PutEvents to EVENT_BUS_NAME, and the consumer's own SQS
 * queue (long-polled by a process, or fed to a Lambda by its SQS event source).
 */
export const busEnv = {
  EVENT_BUS: z.enum(['local', 'aws']).default('local'),
  /** The EventBridge bus (EVENT_BUS=aws). */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** This service's SQS queue, for the long-poll consumer (EVENT_BUS=aws). */
  EVENTS_QUEUE_URL: z.string().url().optional(),
  /** That queue's DLQ: an event that fails its schema is moved there at once instead of being retried. */
  EVENTS_DLQ_URL: z.string().url().optional(),
  /** The name cdk-constructs gives the queue URL; used when EVENTS_QUEUE_URL is unset. */
  QUEUE_URL: z.string().url().optional(),
  /**
   * Seconds of the SQS consumer's long poll (EVENT_BUS=aws). 20 in AWS; a local SQS server
   * answers only when the wait ends, so the local AWS-mode tests use 1.
   */
  SQS_WAIT_TIME_SECONDS: z.coerce.number().int().min(0).max(20).default(20),
  /** The outbox relay's fallback poll (ms), for a missed NOTIFY. Unset: the relay's 1 s. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).optional(),
  /** Published outbox rows are deleted this many hours after their publish. */
  OUTBOX_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 366)
    .default(24),
  /**
   * Handled events' inbox entries are deleted this many days after: past it a redelivery of the
   * same event would run again. Longer than the DLQ keeps a message (14 days), so a redriven
   * event still finds its entry.
   */
  INBOX_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(15),
  /**
   * EVENT_BUS=local: an event whose consumer runs in this process is handed to it directly
   * (the one-process mode sets it); the BullMQ queue only when that fails. See LocalEventPublisher.
   */
  EVENTS_IN_PROCESS: bool.default(false),
};
export type BusEnv = z.infer<z.ZodObject<typeof busEnv>>;

/**
 * Where schedule triggers run: `local` (BullMQ job schedulers on Redis) or `aws` (EventBridge
 * Scheduler). The trigger service registers them there; the catalog refuses at publish and
 * activation a cron the backend cannot run.
 */
export const schedulesEnv = {
  /** Unset: `aws` with EVENT_BUS=aws, else `local`. */
  SCHEDULES: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['local', 'aws']).optional()),
};

/** The schedule backend `config` asks for: SCHEDULES, else `aws` with EVENT_BUS=aws. */
export function schedulesBackend(config: {
  SCHEDULES?: 'local' | 'aws';
  EVENT_BUS: 'local' | 'aws';
}): 'local' | 'aws' {
  return config.SCHEDULES ?? (config.EVENT_BUS === 'aws' ? 'aws' : 'local');
}

/**
 * The claim check of large payloads (`@flowgenie/messaging`'s payload store): a trigger payload
 * (or graph) whose JSON exceeds PAYLOAD_INLINE_MAX_BYTES is stored once and travels by reference.
 */
export const payloadEnv = {
  /** `local`: the `payloads` schema of DATABASE_URL; `s3`: objects in PAYLOAD_BUCKET. */
  PAYLOAD_STORE: z.enum(['local', 's3']).default('local'),
  /** The S3 bucket of stored payloads (PAYLOAD_STORE=s3); its lifecycle rule expires them. */
  PAYLOAD_BUCKET: z.string().min(3).optional(),
  /**
   * Largest payload or graph (bytes of JSON) that travels inline in events. At most 96 KiB, so
   * a workflow.triggered entry (payload and graph, each inline up to this) stays under
   * EventBridge's 256 KB.
   */
  PAYLOAD_INLINE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(96 * 1024)
    .default(64 * 1024),
  /** Days a stored payload is kept: the execution's history and retries read it until then. */
  PAYLOAD_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(30),
};
export type PayloadEnv = z.infer<z.ZodObject<typeof payloadEnv>>;

export const authEnv = {
  AUTH_JWKS_URL: z.string().url().default('https://127.0.0.1:3001/.well-known/jwks.json'),
  AUTH_ISSUER: z.string().default('https://flowgenie.local/auth'),
  AUTH_AUDIENCE: z.string().default('flowgenie-api'),
};
/**
 * The master key of secrets stored in rows (secret config fields): a key file shared by the
 * services of one machine (the catalog seals, the trigger service opens). Losing it makes those
 * secrets unreadable: set them again in the builder.
 */
export const secretsEnv = {
  /** `local` (default): the key file SECRETS_KEY_FILE; `kms`: AWS KMS under SECRETS_KMS_KEY_ID. */
  SECRETS_KEY_PROVIDER: z.enum(['local', 'kms']).default('local'),
  /** The KMS key (id, ARN or `alias/…`) with SECRETS_KEY_PROVIDER=kms. */
  SECRETS_KMS_KEY_ID: z.string().min(1).optional(),
  SECRETS_KEY_FILE: z
    .string()
    .min(1)
    .default(path.resolve(__dirname, '..', '..', '..', '.data', 'secrets.key')),
};
export const envBool = bool;
