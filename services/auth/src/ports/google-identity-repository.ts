import type { User } from '../domain/user';

/**
 * Google accounts (by `sub`) and the users they sign in as.
 *
 * @example
 * const user = await identities.createUserWithIdentity({ email: 'ann@example.com', sub: '1047...' });
 */
export interface GoogleIdentityRepository {
  /** The user the sub is linked to; records the sign-in time. */
  userForSub(sub: string): Promise<User | null>;
  /** The user with this (normalised) email and whether it has a password. */
  findByEmail(email: string): Promise<{ user: User; hasPassword: boolean } | null>;
  /**
   * A new user without a password, linked to the sub, in one transaction. Null when the email was
   * taken meanwhile (the unique constraint decides) or the sub was linked meanwhile.
   */
  createUserWithIdentity(input: { email: string; sub: string }): Promise<User | null>;
  /**
   * Links the sub to the user. `taken` when it is linked to another user already; linking it to
   * the same user again is `linked`.
   */
  link(input: { userId: string; sub: string; email: string }): Promise<'linked' | 'taken'>;
}
