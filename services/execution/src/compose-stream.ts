import type { JWTVerifyGetKey } from 'jose';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createPayloadClaimCheck } from '@flowgenie/messaging/factory';
import {
  createDb,
  createLogger,
  createTokenVerifier,
  loadConfig as load,
  resolveBootSecrets,
  type SecretReader,
} from '@flowgenie/platform';
import { ExecutionQueries } from './app/queries';
import { PgExecutionStore } from './adapters/persistence/execution.store';
import type { ExecutionDb } from './adapters/persistence/execution.table';
import type { StreamHandlerDeps } from './adapters/http/stream-lambda';
import { ConfigSchema, SCHEMA } from './config';

/** The execution service's configuration plus the stream function's limits. */
export const StreamConfigSchema = ConfigSchema.extend({
  /** How often a stream looks for changes (each open stream is one small query per period). */
  STREAM_POLL_MS: z.coerce.number().int().min(20).max(10_000).default(250),
  /** How long a stream waits for a just-accepted execution to exist before a 404. */
  STREAM_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  /** Comment line that keeps idle connections open. */
  STREAM_HEARTBEAT_MS: z.coerce.number().int().min(1000).default(15_000),
  /**
   * A stream still open after this long ends with `event: reconnect`; the function's own
   * remaining time (minus 10 s) caps it too.
   */
  STREAM_MAX_MS: z.coerce.number().int().min(1000).default(270_000),
  /** The stream ends with `event: reconnect` after this many bytes (a response stream is capped at 20 MB). */
  STREAM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(20 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Connections per function instance: an instance serves one stream at a time. */
  STREAM_DB_POOL_MAX: z.coerce.number().int().min(1).max(10).default(2),
});
export type StreamConfig = Readonly<z.infer<typeof StreamConfigSchema>>;

export interface StreamBootOptions {
  /** Tests: verify access tokens against this key set instead of fetching the auth JWKS. */
  keySet?: JWTVerifyGetKey;
  /** Tests: where secrets named by ARN are read. @default AWS Secrets Manager */
  secrets?: SecretReader;
}

/**
 * What the streaming Lambda needs, built once per instance: the execution store's read side (no
 * migrations: the execution API's function owns them), the reader of payloads stored by
 * reference, and the access-token verifier every service uses. No Redis, no bus, no outbox: a
 * stream only reads.
 */
export async function composeStream(
  env: Record<string, string | undefined>,
  opts: StreamBootOptions = {},
): Promise<StreamHandlerDeps & { close(): Promise<void> }> {
  const { env: resolved, database } = await resolveBootSecrets(env, opts.secrets);
  const config: StreamConfig = load(StreamConfigSchema, resolved);
  const logger = createLogger({
    service: 'execution-stream',
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
  });
  const db = createDb<ExecutionDb>({
    url: config.DATABASE_URL,
    schema: SCHEMA,
    max: config.STREAM_DB_POOL_MAX,
    logger,
    password: database,
  });
  const claimCheck = await createPayloadClaimCheck(config, {
    db: db as unknown as Kysely<unknown>,
    logger,
  });
  return {
    queries: new ExecutionQueries(new PgExecutionStore(db, SCHEMA), claimCheck.claims),
    verify: createTokenVerifier({
      jwksUrl: config.AUTH_JWKS_URL,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      keySet: opts.keySet,
    }),
    logger,
    timing: {
      pollMs: config.STREAM_POLL_MS,
      waitMs: config.STREAM_WAIT_MS,
      heartbeatMs: config.STREAM_HEARTBEAT_MS,
      maxDurationMs: config.STREAM_MAX_MS,
      maxBytes: config.STREAM_MAX_BYTES,
    },
    async close() {
      await claimCheck.store.close();
      await db.destroy();
    },
  };
}
