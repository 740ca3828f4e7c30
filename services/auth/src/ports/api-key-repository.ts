import type { ResourceScope } from '@flowgenie/contracts';
import type { ApiKey } from '../domain/api-key';

/**
 * API keys, stored as sha256 hashes with a visible prefix. Lookups by id are scoped to the owner.
 *
 * @example
 * const key = await apiKeys.create({ userId, name: 'ci', prefix, keyHash });
 */
export interface ApiKeyRepository {
  create(input: {
    userId: string;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: ResourceScope[];
  }): Promise<ApiKey>;
  /** The owner's keys that are not revoked, newest first. */
  listActive(userId: string): Promise<ApiKey[]>;
  /** False when the key is not this user's, does not exist or is already revoked. */
  revoke(userId: string, id: string, at: Date): Promise<boolean>;
  findByHash(keyHash: string): Promise<ApiKey | null>;
  markUsed(id: string, at: Date): Promise<void>;
}
