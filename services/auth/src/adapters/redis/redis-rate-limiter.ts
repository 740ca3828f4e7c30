import { ServiceUnavailableError, type Redis } from '@flowgenie/platform';
import type { RateLimiter, RateVerdict } from '../../ports/rate-limiter';

/** KEYS[1]: the counter. ARGV: limit, window ms. Returns 0 when allowed, else the ms until the window ends. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then return math.max(1, redis.call('PTTL', KEYS[1])) end
return 0
`;

export interface RateLimit {
  /** Names the counter in Redis (`<prefix>:auth:<name>:<key>`) and the thing limited in errors. */
  name: string;
  max: number;
  windowSeconds: number;
}

/**
 * A fixed-window limiter in Redis: the first hit starts a window of `windowSeconds`, hits past
 * `max` are refused until it ends. Redis unreachable: 503 (fails closed, like sign-in).
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: RateLimit,
  ) {}

  async hit(key: string): Promise<RateVerdict> {
    let waitMs: number;
    try {
      const counter = `${this.prefix}:auth:${this.limit.name}:${key}`;
      waitMs = (await this.redis.eval(
        HIT,
        1,
        counter,
        this.limit.max,
        this.limit.windowSeconds * 1000,
      )) as number;
    } catch (err) {
      throw new ServiceUnavailableError(
        `${this.limit.name} is temporarily unavailable; try again shortly`,
        undefined,
        { cause: err },
      );
    }
    return waitMs === 0
      ? { allowed: true }
      : { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }
}
