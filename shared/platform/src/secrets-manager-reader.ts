import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from './secret-reader';

const DEFAULT_TTL_MS = 10 * 60_000;

/**
 * The `SecretReader` port on AWS Secrets Manager (GetSecretValue, current version). Values are
 * cached for `ttlMs` (a warm Lambda opening new database connections does not call Secrets Manager
 * each time) and concurrent reads of one secret share a request. `forget` drops the cached value:
 * the database pool calls it when a password is refused, so a rotated password is read at once
 * rather than after the TTL.
 *
 * @example
 * const reader = new SecretsManagerReader(new SecretsManagerClient({}));
 * const password = JSON.parse(await reader.read(arn)).password;
 */
export class SecretsManagerReader implements SecretReader {
  private readonly cache = new Map<string, { value: Promise<string>; until: number }>();

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  static fromEnv(): SecretsManagerReader {
    return new SecretsManagerReader(new SecretsManagerClient({}));
  }

  read(id: string): Promise<string> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return hit.value;
    const value = this.fetch(id);
    this.cache.set(id, { value, until: this.now() + this.ttlMs });
    // A failed read is not cached: the next caller tries again.
    value.catch(() => {
      if (this.cache.get(id)?.value === value) this.cache.delete(id);
    });
    return value;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  private async fetch(id: string): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: id }));
    if (out.SecretString !== undefined) return out.SecretString;
    if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
    throw new Error('the secret has no value');
  }
}
