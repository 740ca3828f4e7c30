import type { Connection } from '../../domain/connections/connection';
import type { ConnectionRepository } from '../../ports/connection-repository';

/** The caller's connections, newest first, without secrets. */
export class ListConnections {
  constructor(private readonly deps: { connections: ConnectionRepository }) {}

  execute(input: { ownerId: string }): Promise<Connection[]> {
    return this.deps.connections.list(input.ownerId);
  }
}
