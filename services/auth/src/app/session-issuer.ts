import { SESSION_SCOPES } from '@flowgenie/contracts';
import { newRefreshToken, hashOpaqueToken } from '../domain/opaque-token';
import { refreshTokenExpiry } from '../domain/refresh-token-family';
import type { User } from '../domain/user';
import type { AccessTokenIssuer } from '../ports/access-token-issuer';
import type { Clock } from '../ports/clock';
import type { RefreshTokenRepository } from '../ports/refresh-token-repository';

/** What signing up, signing in and refreshing hand back; the HTTP adapter decides where the refresh token goes. */
export interface Session {
  user: User;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface SessionIssuerDeps {
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenRepository;
  clock: Clock;
  refreshTtlDays: number;
}

/** Starts a session: a new refresh-token family with its first token, plus an access token. */
export class SessionIssuer {
  constructor(private readonly deps: SessionIssuerDeps) {}

  async start(user: User): Promise<Session> {
    const now = this.deps.clock.now();
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = refreshTokenExpiry(now, this.deps.refreshTtlDays);
    const familyId = await this.deps.refreshTokens.startFamily({
      userId: user.id,
      tokenHash: hashOpaqueToken(refreshToken),
      issuedAt: now,
      expiresAt: refreshExpiresAt,
    });
    const access = await this.deps.accessTokens.issue(user, now, {
      scopes: SESSION_SCOPES,
      sessionId: familyId,
    });
    return {
      user,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresAt,
    };
  }
}
