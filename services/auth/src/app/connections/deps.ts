import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionSecrets } from '../../domain/connections/connection';
import {
  ConnectionBrokenError,
  ConnectionExpiredError,
  ConnectionNotFoundError,
  ConnectionRevokedError,
  type ConnectionError,
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

/** What a new connection is made of; the rest (id, status, last use) is the same for every new one. */
export type NewConnectionFields = Pick<
  Connection,
  'ownerId' | 'provider' | 'name' | 'account' | 'scopes' | 'expiresAt' | 'createdAt'
>;

/**
 * Stores a new, healthy connection with its sealed secrets (and, in the same transaction, its
 * `connection.created` event) and logs it.
 */
export async function createConnection(
  deps: ConnectionDeps,
  fields: NewConnectionFields,
  secrets: ConnectionSecrets,
): Promise<Connection> {
  const connection: Connection = {
    id: randomUUID(),
    ...fields,
    status: 'healthy',
    statusReason: null,
    lastUsedAt: null,
    retryAfter: null,
  };
  await deps.connections.create(
    connection,
    await deps.secrets.seal(secrets, secretsContext(connection.id)),
  );
  deps.log.info(
    { connectionId: connection.id, ownerId: connection.ownerId, provider: connection.provider },
    'connection created',
  );
  return connection;
}

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

/** The error a connection that is not healthy answers with; undefined when it is healthy. */
export function unusableError(connection: Connection): ConnectionError | undefined {
  switch (connection.status) {
    case 'healthy':
      return undefined;
    case 'revoked':
      return new ConnectionRevokedError(connection.statusReason);
    case 'expired':
      return new ConnectionExpiredError(connection.statusReason);
    case 'error':
      return new ConnectionBrokenError(connection.statusReason);
  }
}

/** Throws the error a broken connection answers with. */
export function assertUsable(connection: Connection): void {
  const error = unusableError(connection);
  if (error) throw error;
}
