import { ApiKeyNotFoundError } from '../domain/errors';
import type { ApiKeyRepository } from '../ports/api-key-repository';
import type { Clock } from '../ports/clock';

/** Revokes one of the caller's keys; another user's key, an unknown or an already revoked one: 404. */
export class RevokeApiKey {
  constructor(private readonly deps: { apiKeys: ApiKeyRepository; clock: Clock }) {}

  async execute(input: { userId: string; id: string }): Promise<void> {
    const revoked = await this.deps.apiKeys.revoke(input.userId, input.id, this.deps.clock.now());
    if (!revoked) throw new ApiKeyNotFoundError();
  }
}
