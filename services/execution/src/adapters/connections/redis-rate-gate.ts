import type { Redis } from 'ioredis';
import type { Logger } from '@flowgenie/platform';
import type { ConnectionRateGate } from '../../ports/connections';

// Keeps the later of the stored and the new time; the key expires with the block.
const BLOCK = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
return 1`;

/**
 * The per-connection "blocked until" in Redis (`<prefix>:connection-blocked:<id>`), shared by
 * every executor. Advisory: when Redis cannot answer, steps go on (the provider will say 429 again).
 */
export class RedisRateGate implements ConnectionRateGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private key(connectionId: string): string {
    return `${this.prefix}:connection-blocked:${connectionId}`;
  }

  async blockedUntil(connectionId: string): Promise<number | undefined> {
    try {
      const value = Number(await this.redis.get(this.key(connectionId)));
      return value > this.now() ? value : undefined;
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'connection rate gate unreadable; going on',
      );
      return undefined;
    }
  }

  async block(connectionId: string, untilMs: number): Promise<void> {
    const ttl = Math.ceil(untilMs - this.now());
    if (ttl <= 0) return;
    try {
      await this.redis.eval(
        BLOCK,
        1,
        this.key(connectionId),
        String(Math.ceil(untilMs)),
        String(ttl),
      );
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'connection rate gate not written');
    }
  }
}
