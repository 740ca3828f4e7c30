import { argon2id, hash, verify, type HashOptions } from 'argon2';
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher';

export interface Argon2Cost {
  memoryKib?: number;
  timeCost?: number;
  parallelism?: number;
}

/** argon2id with the library's default cost unless configured otherwise (tests lower it). */
export class Argon2PasswordHasher implements PasswordHasher {
  private readonly options: HashOptions;
  private dummy?: Promise<string>;

  constructor(cost: Argon2Cost = {}) {
    this.options = {
      type: argon2id,
      ...(cost.memoryKib !== undefined && { memoryCost: cost.memoryKib }),
      ...(cost.timeCost !== undefined && { timeCost: cost.timeCost }),
      ...(cost.parallelism !== undefined && { parallelism: cost.parallelism }),
    };
  }

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(digest: string, password: string): Promise<boolean> {
    try {
      return await verify(digest, password);
    } catch {
      // A malformed stored hash is a failed check, not a 500 that would tell it apart.
      return false;
    }
  }

  dummyHash(): Promise<string> {
    this.dummy ??= hash(randomBytes(32), this.options);
    return this.dummy;
  }
}
