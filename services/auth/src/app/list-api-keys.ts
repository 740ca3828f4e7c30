import type { ApiKey } from '../domain/api-key';
import type { ApiKeyRepository } from '../ports/api-key-repository';

export class ListApiKeys {
  constructor(private readonly deps: { apiKeys: ApiKeyRepository }) {}

  execute(input: { userId: string }): Promise<ApiKey[]> {
    return this.deps.apiKeys.listActive(input.userId);
  }
}
