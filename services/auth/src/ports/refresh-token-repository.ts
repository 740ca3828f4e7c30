import type { PresentedRefreshToken } from '../domain/refresh-token-family';

export interface StoredRefreshToken extends PresentedRefreshToken {
  id: string;
  familyId: string;
  userId: string;
}

export type FamilyRevocationReason = 'logout' | 'reuse_detected';

/**
 * Refresh tokens (by sha256 hash) grouped in families.
 *
 * @example
 * const familyId = await tokens.startFamily({ userId, tokenHash, issuedAt, expiresAt });
 */
export interface RefreshTokenRepository {
  /** Creates a family with its first token; returns the family id. */
  startFamily(input: {
    userId: string;
    tokenHash: string;
    issuedAt: Date;
    expiresAt: Date;
  }): Promise<string>;
  findByHash(tokenHash: string): Promise<StoredRefreshToken | null>;
  /**
   * Marks `tokenId` used and stores its successor, atomically and only if the token is still
   * unused and its family live. False when another refresh got there first (treat as reuse).
   */
  rotate(
    tokenId: string,
    next: { tokenHash: string; issuedAt: Date; expiresAt: Date },
  ): Promise<boolean>;
  /** Adds a token to a family that is still live (a refresh in the reuse grace period); false when it was revoked. */
  addToFamily(
    familyId: string,
    next: { tokenHash: string; issuedAt: Date; expiresAt: Date },
  ): Promise<boolean>;
  /** Revokes the family (idempotent); with `userId`, only if the family is that user's. */
  revokeFamily(
    familyId: string,
    reason: FamilyRevocationReason,
    at: Date,
    userId?: string,
  ): Promise<void>;
}
