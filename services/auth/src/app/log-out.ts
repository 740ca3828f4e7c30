import { hashOpaqueToken } from '../domain/opaque-token';
import type { Clock } from '../ports/clock';
import type { RefreshTokenRepository } from '../ports/refresh-token-repository';

/**
 * Signs out the session the refresh token belongs to (its whole family). Without a token, or with
 * one that is unknown or someone else's, there is nothing of the caller's to revoke: still a success.
 */
export class LogOut {
  constructor(private readonly deps: { refreshTokens: RefreshTokenRepository; clock: Clock }) {}

  async execute(input: { userId: string; refreshToken?: string }): Promise<void> {
    if (!input.refreshToken) return;
    const found = await this.deps.refreshTokens.findByHash(hashOpaqueToken(input.refreshToken));
    if (!found) return;
    await this.deps.refreshTokens.revokeFamily(found.familyId, 'logout', this.deps.clock.now(), input.userId);
  }
}
