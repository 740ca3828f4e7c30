/**
 * Refresh tokens live in families: signing in starts one, every refresh replaces the presented
 * token with a new one in the same family. A token that was already replaced and comes back means
 * two parties hold the family (one of them a thief), so the whole family is revoked: unless it
 * comes back within a short grace period after its rotation, which is what two tabs (or a retried
 * request) refreshing at the same moment look like; those get a new token in the same family.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the rules need to know about a presented refresh token. */
export interface PresentedRefreshToken {
  /** Set once the token was exchanged for its successor. */
  usedAt: Date | null;
  expiresAt: Date;
  familyRevokedAt: Date | null;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  /** Rotated only moments ago: a concurrent refresh, answered with another token of the family. */
  | { kind: 'grace' }
  | { kind: 'reuse_detected' }
  | { kind: 'rejected'; reason: 'unknown' | 'revoked' | 'expired' };

/**
 * Decides what a refresh with this token does. Order matters: a revoked family stays revoked
 * (nothing more to do), reuse is reported even when the old token has also expired since.
 * `graceMs`: how long after its rotation a token may come back without counting as reuse (0 = never).
 *
 * @example
 * decideRefresh(found, clock.now(), 20_000).kind === 'reuse_detected' // -> revoke the family, answer 401
 */
export function decideRefresh(
  token: PresentedRefreshToken | null,
  now: Date,
  graceMs = 0,
): RefreshDecision {
  if (!token) return { kind: 'rejected', reason: 'unknown' };
  if (token.familyRevokedAt) return { kind: 'rejected', reason: 'revoked' };
  if (token.usedAt) {
    const sinceRotation = now.getTime() - token.usedAt.getTime();
    const expired = token.expiresAt.getTime() <= now.getTime();
    return sinceRotation <= graceMs && !expired ? { kind: 'grace' } : { kind: 'reuse_detected' };
  }
  if (token.expiresAt.getTime() <= now.getTime()) return { kind: 'rejected', reason: 'expired' };
  return { kind: 'rotate' };
}

/** Each token (the first and every successor) lives `ttlDays` from its issue: a sliding session. */
export function refreshTokenExpiry(issuedAt: Date, ttlDays: number): Date {
  return new Date(issuedAt.getTime() + ttlDays * DAY_MS);
}
