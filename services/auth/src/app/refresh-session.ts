import { InvalidRefreshTokenError } from '../domain/errors';
import { hashOpaqueToken, newRefreshToken } from '../domain/opaque-token';
import { decideRefresh, refreshTokenExpiry } from '../domain/refresh-token-family';
import type { AccessTokenIssuer } from '../ports/access-token-issuer';
import type { Clock } from '../ports/clock';
import type { RefreshTokenRepository } from '../ports/refresh-token-repository';
import type { UserRepository } from '../ports/user-repository';
import type { Session } from './session-issuer';

const REJECTED_MESSAGE = {
  unknown: 'refresh token is not valid; sign in again',
  revoked: 'this session has been signed out; sign in again',
  expired: 'refresh token has expired; sign in again',
} as const;

/** Security events worth an operator's attention; never given a token. */
export interface SecurityLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Exchanges a refresh token for a new access token and a new refresh token (rotation). A token
 * that was already exchanged revokes its whole family: whoever holds the newer token is signed out too.
 */
export class RefreshSession {
  constructor(
    private readonly deps: {
      users: UserRepository;
      refreshTokens: RefreshTokenRepository;
      accessTokens: AccessTokenIssuer;
      clock: Clock;
      refreshTtlDays: number;
      log: SecurityLog;
    },
  ) {}

  async execute(input: { refreshToken: string }): Promise<Session> {
    const { refreshTokens, clock } = this.deps;
    const now = clock.now();
    const found = await refreshTokens.findByHash(hashOpaqueToken(input.refreshToken));
    const decision = decideRefresh(found, now);
    if (decision.kind === 'rejected') throw new InvalidRefreshTokenError(REJECTED_MESSAGE[decision.reason]);
    if (!found) throw new InvalidRefreshTokenError(REJECTED_MESSAGE.unknown);
    if (decision.kind === 'reuse_detected') return this.revokeForReuse(found.familyId, found.userId, now);

    const user = await this.deps.users.findById(found.userId);
    if (!user) throw new InvalidRefreshTokenError(REJECTED_MESSAGE.unknown);
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = refreshTokenExpiry(now, this.deps.refreshTtlDays);
    const rotated = await refreshTokens.rotate(found.id, {
      tokenHash: hashOpaqueToken(refreshToken),
      issuedAt: now,
      expiresAt: refreshExpiresAt,
    });
    // Another refresh with the same token won the race: two holders, same as reuse.
    if (!rotated) return this.revokeForReuse(found.familyId, found.userId, now);
    const access = await this.deps.accessTokens.issue(user, now);
    return { user, accessToken: access.token, expiresIn: access.expiresIn, refreshToken, refreshExpiresAt };
  }

  private async revokeForReuse(familyId: string, userId: string, now: Date): Promise<never> {
    await this.deps.refreshTokens.revokeFamily(familyId, 'reuse_detected', now);
    this.deps.log.warn({ userId, familyId }, 'refresh token reused; session family revoked');
    throw new InvalidRefreshTokenError('refresh token was already used; the session has been revoked, sign in again');
  }
}
