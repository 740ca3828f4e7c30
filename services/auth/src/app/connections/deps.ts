import type { Connection, ConnectionSecrets } from '../../domain/connections/connection';
import {
  ConnectionBrokenError,
  ConnectionExpiredError,
  ConnectionNotFoundError,
  ConnectionRevokedError,
} from '../../domain/connections/errors';
import type { Clock } from '../../ports/clock';
import type { ConnectionRepository, StoredConnection } from '../../ports/connection-repository';
import type { ConnectionSecretsBox } from '../../ports/connection-secrets-box';
import type { OAuthProviders } from '../../ports/oauth-providers';

/** Notes worth a log line (never a secret: ids, providers, reasons only). */
export interface ConnectionLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface ConnectionDeps {
  connections: ConnectionRepository;
  secrets: ConnectionSecretsBox;
  providers: OAuthProviders;
  clock: Clock;
  log: ConnectionLog;
}

/** The associated data a connection's sealed secrets are bound to. */
export const secretsContext = (connectionId: string) => `connection:${connectionId}`;

export async function findOrThrow(
  deps: ConnectionDeps,
  ownerId: string,
  id: string,
): Promise<StoredConnection> {
  const stored = await deps.connections.find(ownerId, id);
  if (!stored) throw new ConnectionNotFoundError();
  return stored;
}

export function openSecrets(
  deps: ConnectionDeps,
  stored: StoredConnection,
): Promise<ConnectionSecrets> {
  return deps.secrets.open(stored.sealedSecrets, secretsContext(stored.connection.id));
}

/** Throws the error a broken connection answers with. */
export function assertUsable(connection: Connection): void {
  switch (connection.status) {
    case 'healthy':
      return;
    case 'revoked':
      throw new ConnectionRevokedError(connection.statusReason);
    case 'expired':
      throw new ConnectionExpiredError(connection.statusReason);
    case 'error':
      throw new ConnectionBrokenError(connection.statusReason);
  }
}
