import { ServiceUnavailableError, type Redis } from '@flowgenie/platform';
import { hashOpaqueToken, newRefreshToken } from '../../domain/opaque-token';
import type { PendingGoogleLink, PendingGoogleLinks } from '../../ports/pending-google-links';

/** KEYS[1]: the link. ARGV[1]: the user that may take it. Deletes and returns it only for that user. */
const TAKE = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
if cjson.decode(v).userId ~= ARGV[1] then return false end
redis.call('DEL', KEYS[1])
return v
`;

/**
 * Link requests in Redis under the sha256 of their token (a leaked key list gives no usable token),
 * for `ttlSeconds` (10 minutes by default).
 */
export class RedisPendingGoogleLinks implements PendingGoogleLinks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 600,
  ) {}

  private key(token: string): string {
    return `${this.prefix}:auth:google-link:${hashOpaqueToken(token)}`;
  }

  async save(link: PendingGoogleLink): Promise<string> {
    const token = newRefreshToken();
    await this.guard(() =>
      this.redis.set(this.key(token), JSON.stringify(link), 'EX', this.ttlSeconds),
    );
    return token;
  }

  async take(token: string, userId: string): Promise<PendingGoogleLink | null> {
    const value = (await this.guard(() => this.redis.eval(TAKE, 1, this.key(token), userId))) as
      string | null;
    return value ? (JSON.parse(value) as PendingGoogleLink) : null;
  }

  private async guard<T>(act: () => Promise<T>): Promise<T> {
    try {
      return await act();
    } catch (err) {
      throw new ServiceUnavailableError(
        'Google account linking is temporarily unavailable; try again shortly',
        undefined,
        {
          cause: err,
        },
      );
    }
  }
}
