import { hashOpaqueToken } from '../domain/opaque-token';
import type { Clock } from '../ports/clock';
import type { RefreshTokenRepository } from '../ports/refresh-token-repository';

export interface LogOutInput {
  /** From the cookie or the body. Holding it is enough to end its session: it could be refreshed and used anyway. */
  refreshToken?: string;
  /** From a verified access token: its owner and, for a sign-in session, the session (`sid`). */
  caller?: { userId: string; sessionId?: string };
}

/**
 * Signs out one session: the family of the presented refresh token, else the session the access
 * token names. With both, a refresh token of another user than the access token's is left alone.
 * Nothing to revoke (unknown or already revoked): still a success, signing out is idempotent.
 */
export class LogOut {
  constructor(private readonly deps: { refreshTokens: RefreshTokenRepository; clock: Clock }) {}

  async execute(input: LogOutInput): Promise<void> {
    const now = this.deps.clock.now();
    if (input.refreshToken) {
      const found = await this.deps.refreshTokens.findByHash(hashOpaqueToken(input.refreshToken));
      if (!found) return;
      if (input.caller && input.caller.userId !== found.userId) return;
      await this.deps.refreshTokens.revokeFamily(found.familyId, 'logout', now, found.userId);
      return;
    }
    if (input.caller?.sessionId) {
      await this.deps.refreshTokens.revokeFamily(
        input.caller.sessionId,
        'logout',
        now,
        input.caller.userId,
      );
    }
  }
}
