import type { ConnectionOptionSource, ConnectionOptionsResponse } from '@flowgenie/contracts';
import {
  ConnectionRevokedError,
  UnsupportedOptionsSourceError,
} from '../../domain/connections/errors';
import { InvalidGrantError, OPTIONS_SOURCE_PROVIDER } from '../../domain/connections/oauth';
import type { AccessConnection } from './access-connection';
import { findOrThrow, type ConnectionDeps } from './deps';

/**
 * Lists loaded through a connection for the builder (Slack channels, Google calendars, Gmail
 * labels). A Google token the provider refuses before its expiry is renewed once; a refusal after
 * that (or Slack's) marks the connection revoked.
 */
export class ListConnectionOptions {
  constructor(private readonly deps: ConnectionDeps & { access: AccessConnection }) {}

  async execute(input: {
    ownerId: string;
    connectionId: string;
    source: ConnectionOptionSource;
  }): Promise<ConnectionOptionsResponse> {
    const stored = await findOrThrow(this.deps, input.ownerId, input.connectionId);
    const provider = OPTIONS_SOURCE_PROVIDER[input.source];
    if (stored.connection.provider !== provider)
      throw new UnsupportedOptionsSourceError(input.source, stored.connection.provider);
    let usable = await this.deps.access.usable(input.ownerId, input.connectionId);
    const tokenOf = () =>
      'accessToken' in usable.secrets ? (usable.secrets.accessToken ?? '') : '';
    try {
      return { items: await this.deps.providers.options(input.source, tokenOf()) };
    } catch (err) {
      if (!(err instanceof InvalidGrantError)) throw err;
      let refusal = err;
      if (provider === 'google') {
        usable = await this.deps.access.usable(input.ownerId, input.connectionId, {
          staleToken: tokenOf(),
        });
        try {
          return { items: await this.deps.providers.options(input.source, tokenOf()) };
        } catch (again) {
          if (!(again instanceof InvalidGrantError)) throw again;
          refusal = again;
        }
      }
      await this.deps.connections.update(input.ownerId, input.connectionId, {
        status: 'revoked',
        statusReason: refusal.reason,
      });
      throw new ConnectionRevokedError(refusal.reason);
    }
  }
}
