import type { Redis } from 'ioredis';
import type { OAuthStateStore, PendingOAuth } from '../../ports/oauth-state-store';
import { RedisOneTimeValues } from './redis-one-time-values';

/**
 * Pending consent dances in Redis under `<prefix>:conn-oauth:<sha256(state)>` with a TTL; `take`
 * is GETDEL, so of two callbacks with one state only one gets it. Holds no plaintext secret (the
 * generic client's secret is sealed).
 */
export class RedisConnectionOAuthStates
  extends RedisOneTimeValues<PendingOAuth>
  implements OAuthStateStore
{
  constructor(redis: Redis, prefix: string) {
    super(redis, `${prefix}:conn-oauth`);
  }
}
