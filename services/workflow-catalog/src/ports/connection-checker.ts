import type { ConnectionCheckItem, ConnectionCheckRequest } from '@flowgenie/contracts';

/**
 * Asks the auth service whether connections would work for the steps naming them (no credential
 * travels). One result per item, in order.
 *
 * @throws ConnectionsUnavailableError when auth cannot answer (the caller answers 503, never
 * skips the check).
 */
export interface ConnectionChecker {
  check(ownerId: string, items: ConnectionCheckRequest['items']): Promise<ConnectionCheckItem[]>;
}
