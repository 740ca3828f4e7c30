import { Redis } from 'ioredis';

/**
 * An ioredis client as BullMQ needs it (`maxRetriesPerRequest: null`), with a short connect
 * timeout so a missing Redis is reported instead of hanging.
 */
export function createRedis(url: string, opts: { lazyConnect?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
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
