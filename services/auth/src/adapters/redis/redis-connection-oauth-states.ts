import type { Redis } from 'ioredis';
import type { OAuthStateStore, PendingOAuth } from '../../ports/oauth-state-store';

/**
 * Pending consent dances in Redis under `<prefix>:conn-oauth:<sha256(state)>` with a TTL; `take`
 * is GETDEL, so of two callbacks with one state only one gets it. Holds no plaintext secret (the
 * generic client's secret is sealed).
 */
export class RedisConnectionOAuthStates implements OAuthStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(stateHash: string): string {
    return `${this.prefix}:conn-oauth:${stateHash}`;
  }

  async put(stateHash: string, pending: PendingOAuth, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.key(stateHash), JSON.stringify(pending), 'EX', ttlSeconds);
  }

  async take(stateHash: string): Promise<PendingOAuth | undefined> {
    const raw = await this.redis.getdel(this.key(stateHash));
    return raw ? (JSON.parse(raw) as PendingOAuth) : undefined;
  }
}
