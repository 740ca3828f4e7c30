import { isOAuthProvider } from '../../domain/connections/oauth';
import { ConnectionNotFoundError } from '../../domain/connections/errors';
import { findOrThrow, openSecrets, type ConnectionDeps } from './deps';

/**
 * Disconnects: revokes the grant at the provider where it offers a way (Google's revocation
 * endpoint, Slack `auth.revoke`), then deletes the connection and records `connection.revoked`.
 * A provider that cannot be reached does not keep the user from disconnecting.
 */
export class DisconnectConnection {
  constructor(private readonly deps: ConnectionDeps) {}

  async execute(input: { ownerId: string; connectionId: string }): Promise<void> {
    const stored = await findOrThrow(this.deps, input.ownerId, input.connectionId);
    const { connection } = stored;
    if (isOAuthProvider(connection.provider) && connection.status !== 'revoked') {
      try {
        const secrets = await openSecrets(this.deps, stored);
        const token =
          ('refreshToken' in secrets && secrets.refreshToken) ||
          ('accessToken' in secrets ? secrets.accessToken : undefined);
        if (token) await this.deps.providers.revoke(connection.provider, token);
      } catch (err) {
        this.deps.log.warn(
          {
            connectionId: connection.id,
            provider: connection.provider,
            reason: (err as Error).message,
          },
          'could not revoke the grant at the provider; deleting the connection anyway',
        );
      }
    }
    const deleted = await this.deps.connections.delete(
      input.ownerId,
      input.connectionId,
      connection.provider,
    );
    if (!deleted) throw new ConnectionNotFoundError();
    this.deps.log.info(
      { connectionId: connection.id, provider: connection.provider },
      'connection deleted',
    );
  }
}
