import type { ConnectionCheckItem, ConnectionCheckRequest } from '@flowgenie/contracts';
import { missingScopes } from '../../domain/connections/connection';
import { isOAuthProvider } from '../../domain/connections/oauth';
import type { ConnectionRepository } from '../../ports/connection-repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Says whether each connection a workflow names would work for its step, from the stored row
 * alone: no secret is opened, no token refreshed, lastUsedAt untouched. Another owner's id and an
 * id that is not a connection id answer `not_found` alike.
 */
export class CheckConnections {
  constructor(private readonly deps: { connections: ConnectionRepository }) {}

  async execute(input: {
    ownerId: string;
    items: ConnectionCheckRequest['items'];
  }): Promise<ConnectionCheckItem[]> {
    const found = new Map<string, Awaited<ReturnType<ConnectionRepository['find']>>>();
    for (const id of new Set(input.items.map((i) => i.connectionId.toLowerCase()))) {
      found.set(
        id,
        UUID.test(id) ? await this.deps.connections.find(input.ownerId, id) : undefined,
      );
    }
    return input.items.map((item) => {
      const connectionId = item.connectionId;
      const stored = found.get(connectionId.toLowerCase());
      if (!stored) return { connectionId, result: 'not_found' };
      const c = stored.connection;
      if (!item.providers.includes(c.provider))
        return { connectionId, result: 'wrong_provider', provider: c.provider };
      if (c.status !== 'healthy')
        return { connectionId, result: c.status, provider: c.provider, reason: c.statusReason };
      const missing = isOAuthProvider(c.provider) ? missingScopes(c.scopes, item.scopes) : [];
      if (missing.length > 0)
        return {
          connectionId,
          result: 'missing_scope',
          provider: c.provider,
          missingScopes: missing,
        };
      return { connectionId, result: 'ok', provider: c.provider };
    });
  }
}
