import type { ApiKey } from '../domain/api-key';
import { hashOpaqueToken, newApiKey } from '../domain/opaque-token';
import type { ApiKeyRepository } from '../ports/api-key-repository';

/** Creates an API key. The key itself is returned this once; only its hash is stored. */
export class CreateApiKey {
  constructor(private readonly deps: { apiKeys: ApiKeyRepository }) {}

  async execute(input: { userId: string; name: string }): Promise<{ apiKey: ApiKey; key: string }> {
    const { key, prefix } = newApiKey();
    const apiKey = await this.deps.apiKeys.create({
      userId: input.userId,
      name: input.name,
      prefix,
      keyHash: hashOpaqueToken(key),
    });
    return { apiKey, key };
  }
}
