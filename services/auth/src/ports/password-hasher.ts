/**
 * One-way password hashing (argon2id). `verify` never throws for a wrong password or a malformed hash.
 *
 * @example
 * const ok = await hasher.verify(found?.passwordHash ?? (await hasher.dummyHash()), password);
 */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** A hash of a random secret with the current parameters: verifying against it costs what a real check costs. */
  dummyHash(): Promise<string>;
}
