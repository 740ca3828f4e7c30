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

/**
 * Signs short-lived access tokens and publishes the public keys that verify them.
 *
 * @example
 * const { token, expiresIn } = await issuer.issue(user, clock.now());
 */
export interface AccessTokenIssuer {
  issue(user: Pick<User, 'id' | 'email'>, issuedAt: Date): Promise<AccessToken>;
  publicKeys(): PublicKeySet;
}
