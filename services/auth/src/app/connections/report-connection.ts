import { ConnectionNotFoundError } from '../../domain/connections/errors';
import type { ConnectionDeps } from './deps';

/**
 * Another service tells auth the provider refused the credential (e.g. Slack `token_revoked`), so
 * the connection shows it and the next access answers 409.
 */
export class ReportConnection {
  constructor(private readonly deps: ConnectionDeps) {}

  async execute(input: {
    ownerId: string;
    connectionId: string;
    status: 'revoked' | 'expired' | 'error';
    reason: string;
  }): Promise<void> {
    const updated = await this.deps.connections.update(input.ownerId, input.connectionId, {
      status: input.status,
      statusReason: input.reason,
    });
    if (!updated) throw new ConnectionNotFoundError();
    this.deps.log.warn(
      { connectionId: input.connectionId, status: input.status, reason: input.reason },
      'connection reported broken',
    );
  }
}
