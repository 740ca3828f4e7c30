import type { User } from '../domain/user';

export interface AccessToken {
  token: string;
  /** Seconds until it expires. */
  expiresIn: number;
}

/** A JSON Web Key Set of public keys only. */
export interface PublicKeySet {
  keys: Array<Record<string, unknown>>;
}

/** What a token grants, and which session it belongs to. */
export interface AccessGrant {
  /** The `scope` claim (space-separated in the token). */
  scopes: readonly string[];
  /** The `sid` claim: the refresh-token family of a sign-in session, so logout by access token can end it. */
  sessionId?: string;
  /** Shorter than the default lifetime (tokens exchanged from API keys). */
  ttlSeconds?: number;
}

/**
 * Signs short-lived access tokens and publishes the public keys that verify them.
 *
 * @example
 * const { token, expiresIn } = await issuer.issue(user, clock.now(), { scopes: SESSION_SCOPES, sessionId });
 */
export interface AccessTokenIssuer {
  issue(user: Pick<User, 'id' | 'email'>, issuedAt: Date, grant: AccessGrant): Promise<AccessToken>;
  publicKeys(): PublicKeySet;
}
