import type { Redis } from 'ioredis';

/**
 * Short-lived, single-use JSON values in Redis under `<keyPrefix>:<id>` with a TTL. `take` is GETDEL,
 * so of two callers with one id only one gets the value. Both OAuth dances keep their pending state
 * here: connections ({@link RedisConnectionOAuthStates}) and Sign in with Google's PKCE verifier.
 */
export class RedisOneTimeValues<T> {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  private key(id: string): string {
    return `${this.keyPrefix}:${id}`;
  }

  async put(id: string, value: T, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(value), 'EX', ttlSeconds);
  }

  /** Returns and forgets it: a value is taken once. */
  async take(id: string): Promise<T | undefined> {
    const raw = await this.redis.getdel(this.key(id));
    return raw ? (JSON.parse(raw) as T) : undefined;
  }
}
