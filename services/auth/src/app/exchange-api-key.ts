import { InvalidApiKeyError } from '../domain/errors';
import { hashOpaqueToken, looksLikeApiKey } from '../domain/opaque-token';
import type { AccessToken, AccessTokenIssuer } from '../ports/access-token-issuer';
import type { ApiKeyRepository } from '../ports/api-key-repository';
import type { Clock } from '../ports/clock';
import type { UserRepository } from '../ports/user-repository';

/**
 * Scripts exchange an API key for an access token of its owner, holding the key's scopes only (never
 * key management) and living `ttlSeconds` (short: a token outlives its key's revocation by at most
 * that long). Unknown or revoked key: 401.
 */
export class ExchangeApiKey {
  constructor(
    private readonly deps: {
      apiKeys: ApiKeyRepository;
      users: UserRepository;
      accessTokens: AccessTokenIssuer;
      clock: Clock;
      ttlSeconds: number;
    },
  ) {}

  async execute(input: { apiKey: string }): Promise<AccessToken & { scopes: readonly string[] }> {
    if (!looksLikeApiKey(input.apiKey)) throw new InvalidApiKeyError();
    const found = await this.deps.apiKeys.findByHash(hashOpaqueToken(input.apiKey));
    if (!found || found.revokedAt) throw new InvalidApiKeyError();
    const user = await this.deps.users.findById(found.userId);
    if (!user) throw new InvalidApiKeyError();
    const now = this.deps.clock.now();
    await this.deps.apiKeys.markUsed(found.id, now);
    const access = await this.deps.accessTokens.issue(user, now, {
      scopes: found.scopes,
      ttlSeconds: this.deps.ttlSeconds,
    });
    return { ...access, scopes: found.scopes };
  }
}
