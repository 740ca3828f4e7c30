import { Redis } from 'ioredis';
import type { Logger } from './logging';

export interface CreateRedisOptions {
  lazyConnect?: boolean;
  /**
   * `'queue'` (default): as BullMQ needs it (`maxRetriesPerRequest: null`), commands wait for
   * Redis to come back. `'request'`: for request-path commands, which give up after one retry so
   * the caller can answer 503 instead of hanging.
   */
  use?: 'queue' | 'request';
  /** Where connection errors are reported (the client reconnects by itself). */
  logger?: Logger;
}

/**
 * An ioredis client with a short connect timeout so a missing Redis is reported instead of hanging.
 */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: opts.use === 'request' ? 1 : null,
    enableReadyCheck: true,
    connectTimeout: 5000,
    lazyConnect: opts.lazyConnect,
    // Reconnect forever, backing off to 2 s: an outage ends, the process stays.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Always listened to: ioredis reconnects on its own, and an unheard 'error' only adds noise.
  let reported = false;
  redis.on('error', (err) => {
    if (reported) return; // once per outage, not once per reconnect attempt
    reported = true;
    opts.logger?.warn({ err: err.message }, 'redis connection error; reconnecting');
  });
  redis.on('ready', () => {
    if (reported) opts.logger?.info('redis connection restored');
    reported = false;
  });
  return redis;
}

export async function pingRedis(redis: Redis): Promise<void> {
  const answer = await redis.ping();
  if (answer !== 'PONG') throw new Error(`redis answered ${answer}`);
}
export type { Redis };

/**
 * Closes a client for good. QUIT alone is not enough: on a client still trying to reach Redis it
 * answers at once but leaves the reconnect timer running, which keeps the process alive.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => undefined);
  redis.disconnect();
}
