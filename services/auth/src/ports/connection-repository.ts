import type { ConnectionStatus } from '@flowgenie/contracts';
import type { Connection } from '../domain/connections/connection';

/** A connection with its secrets as stored: sealed, opened only by the app when needed. */
export interface StoredConnection {
  connection: Connection;
  sealedSecrets: string;
}

/** Columns a use case may change; status `revoked` (from another status) also emits `connection.revoked`. */
export interface ConnectionPatch {
  name?: string;
  account?: string | null;
  scopes?: string[];
  status?: ConnectionStatus;
  statusReason?: string | null;
  expiresAt?: Date | null;
  retryAfter?: Date | null;
  sealedSecrets?: string;
}

/**
 * Where connections live. Every read and write is scoped by owner: another user's id behaves as
 * an unknown one.
 */
export interface ConnectionRepository {
  list(ownerId: string): Promise<Connection[]>;
  find(ownerId: string, id: string): Promise<StoredConnection | undefined>;
  /** Stores a new connection and, in the same transaction, its `connection.created` event. */
  create(connection: Connection, sealedSecrets: string): Promise<void>;
  /** Applies a patch; false when there is no such connection of this owner. */
  update(ownerId: string, id: string, patch: ConnectionPatch): Promise<boolean>;
  /** Deletes it and records `connection.revoked`; false when there was none. */
  delete(ownerId: string, id: string, provider: string): Promise<boolean>;
  /**
   * Runs `fn` holding the connection's renewal lock (one holder at a time across every auth
   * process), with the row as it is once the lock is held, and applies the patch `fn` returns.
   * Undefined when there is no such connection of this owner.
   */
  withRenewalLock<T>(
    ownerId: string,
    id: string,
    fn: (current: StoredConnection) => Promise<{ patch?: ConnectionPatch; result: T }>,
  ): Promise<T | undefined>;
  touch(id: string, at: Date): Promise<void>;
}
