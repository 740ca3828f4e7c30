import { Redis } from 'ioredis';

export interface CreateRedisOptions {
  lazyConnect?: boolean;
  /**
   * `'queue'` (default): as BullMQ needs it (`maxRetriesPerRequest: null`), commands wait for
   * Redis to come back. `'request'`: for request-path commands, which give up after one retry so
   * the caller can answer 503 instead of hanging.
   */
  use?: 'queue' | 'request';
}

/**
 * An ioredis client with a short connect timeout so a missing Redis is reported instead of hanging.
 */
export function createRedis(url: string, opts: CreateRedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: opts.use === 'request' ? 1 : null,
    enableReadyCheck: true,
    connectTimeout: 5000,
    lazyConnect: opts.lazyConnect,
  });
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
