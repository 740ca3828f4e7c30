import { RESOURCE_SCOPES, type ResourceScope } from '@flowgenie/contracts';
import type { ApiKey } from '../domain/api-key';
import { hashOpaqueToken, newApiKey } from '../domain/opaque-token';
import type { ApiKeyRepository } from '../ports/api-key-repository';

/**
 * Creates an API key. The key itself is returned this once; only its hash is stored. Its scopes
 * default to every resource scope; key management is never one of them (the HTTP schema refuses it).
 */
export class CreateApiKey {
  constructor(private readonly deps: { apiKeys: ApiKeyRepository }) {}

  async execute(input: {
    userId: string;
    name: string;
    scopes?: ResourceScope[];
  }): Promise<{ apiKey: ApiKey; key: string }> {
    const { key, prefix } = newApiKey();
    // Stored in the contract's order, once each, so lists and tokens read the same way every time.
    const scopes = RESOURCE_SCOPES.filter((s) => (input.scopes ?? RESOURCE_SCOPES).includes(s));
    const apiKey = await this.deps.apiKeys.create({
      userId: input.userId,
      name: input.name,
      prefix,
      keyHash: hashOpaqueToken(key),
      scopes,
    });
    return { apiKey, key };
  }
}
