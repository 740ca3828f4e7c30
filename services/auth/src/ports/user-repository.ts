import type { User, UserCredentials } from '../domain/user';

/**
 * Users and their password hashes. Emails arrive already normalised.
 *
 * @example
 * const user = await users.create({ email: 'ann@example.com', passwordHash });
 */
export interface UserRepository {
  /** Returns null when the email is taken (the unique constraint decides, so concurrent sign-ups are safe). */
  create(input: { email: string; passwordHash: string }): Promise<User | null>;
  findCredentialsByEmail(email: string): Promise<UserCredentials | null>;
  findById(id: string): Promise<User | null>;
}
