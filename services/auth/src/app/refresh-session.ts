import { SESSION_SCOPES } from '@flowgenie/contracts';
import { InvalidRefreshTokenError } from '../domain/errors';
import { hashOpaqueToken, newRefreshToken } from '../domain/opaque-token';
import {
  decideRefresh,
  refreshTokenExpiry,
  type RefreshDecision,
} from '../domain/refresh-token-family';
import type { AccessTokenIssuer } from '../ports/access-token-issuer';
import type { Clock } from '../ports/clock';
import type { RefreshTokenRepository, StoredRefreshToken } from '../ports/refresh-token-repository';
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
 * that was already exchanged revokes its whole family (whoever holds the newer token is signed out
 * too), unless it comes back within `reuseGraceSeconds` of its rotation: two tabs refreshing at
 * once, or a retry after a lost answer. That refresh gets another new token of the same family.
 */
export class RefreshSession {
  constructor(
    private readonly deps: {
      users: UserRepository;
      refreshTokens: RefreshTokenRepository;
      accessTokens: AccessTokenIssuer;
      clock: Clock;
      refreshTtlDays: number;
      reuseGraceSeconds: number;
      log: SecurityLog;
    },
  ) {}

  async execute(input: { refreshToken: string }): Promise<Session> {
    const { refreshTokens, clock } = this.deps;
    const now = clock.now();
    const tokenHash = hashOpaqueToken(input.refreshToken);
    const found = await refreshTokens.findByHash(tokenHash);
    const decision = this.decide(found, now);
    if (decision.kind === 'rotate' && found) {
      const next = this.nextToken(now);
      if (await refreshTokens.rotate(found.id, next.stored)) return this.session(found, next, now);
      // Another refresh with the same token got there first: decide again on what it left behind.
      return this.settle(await refreshTokens.findByHash(tokenHash), now);
    }
    return this.settle(found, now, decision);
  }

  /** Everything but a first rotation: a grace-period sibling, a rejection, or reuse. */
  private async settle(
    found: StoredRefreshToken | null,
    now: Date,
    decision = this.decide(found, now),
  ): Promise<Session> {
    if (decision.kind === 'rejected' || !found)
      throw new InvalidRefreshTokenError(
        REJECTED_MESSAGE[decision.kind === 'rejected' ? decision.reason : 'unknown'],
      );
    if (decision.kind === 'grace') {
      const next = this.nextToken(now);
      if (!(await this.deps.refreshTokens.addToFamily(found.familyId, next.stored))) {
        throw new InvalidRefreshTokenError(REJECTED_MESSAGE.revoked);
      }
      return this.session(found, next, now);
    }
    // A rotate decision cannot come back from a token another refresh has just used; treat the oddity as reuse.
    return this.revokeForReuse(found.familyId, found.userId, now);
  }

  private decide(found: StoredRefreshToken | null, now: Date): RefreshDecision {
    return decideRefresh(found, now, this.deps.reuseGraceSeconds * 1000);
  }

  private nextToken(now: Date) {
    const refreshToken = newRefreshToken();
    const expiresAt = refreshTokenExpiry(now, this.deps.refreshTtlDays);
    return {
      refreshToken,
      stored: { tokenHash: hashOpaqueToken(refreshToken), issuedAt: now, expiresAt },
    };
  }

  private async session(
    found: StoredRefreshToken,
    next: ReturnType<RefreshSession['nextToken']>,
    now: Date,
  ): Promise<Session> {
    const user = await this.deps.users.findById(found.userId);
    if (!user) throw new InvalidRefreshTokenError(REJECTED_MESSAGE.unknown);
    const access = await this.deps.accessTokens.issue(user, now, {
      scopes: SESSION_SCOPES,
      sessionId: found.familyId,
    });
    return {
      user,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: next.refreshToken,
      refreshExpiresAt: next.stored.expiresAt,
    };
  }

  private async revokeForReuse(familyId: string, userId: string, now: Date): Promise<never> {
    await this.deps.refreshTokens.revokeFamily(familyId, 'reuse_detected', now);
    this.deps.log.warn({ userId, familyId }, 'refresh token reused; session family revoked');
    throw new InvalidRefreshTokenError(
      'refresh token was already used; the session has been revoked, sign in again',
    );
  }
}
