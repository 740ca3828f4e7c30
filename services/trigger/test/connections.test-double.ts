import type { ConnectionAccessResponse } from '@flowgenie/contracts';
import { ConnectionAccessError, type ConnectionAccess } from '@flowgenie/integrations';
import type { FakeGoogle, FakeSlack } from '@flowgenie/local-fakes';

type Stored =
  | { provider: 'google'; ownerId: string; email: string; status: 'healthy' | 'revoked' }
  | { provider: 'slack'; ownerId: string; token: string; status: 'healthy' | 'revoked' };

/**
 * A test double of the ConnectionAccess port (auth's internal access endpoint is not on main
 * yet): connections by id and owner, Google tokens minted by the fake Google for the asked
 * scopes, a Slack bot token from the fake Slack; revoked ones answer as auth would.
 */
export class FakeConnections implements ConnectionAccess {
  readonly connections = new Map<string, Stored>();
  readonly reports: Array<{ connectionId: string; status: string; reason: string }> = [];
  accessCalls = 0;
  /** Every credential handed out, to check none leaks into logs, events or answers. */
  readonly issued: string[] = [];
  /** The next accesses fail as retryable (auth not answering). */
  unavailable = 0;

  constructor(private readonly providers: { google?: FakeGoogle; slack?: FakeSlack }) {}

  addGoogle(id: string, ownerId: string, email: string): void {
    this.connections.set(id, { provider: 'google', ownerId, email, status: 'healthy' });
  }

  addSlack(id: string, ownerId: string, token: string): void {
    this.connections.set(id, { provider: 'slack', ownerId, token, status: 'healthy' });
  }

  revoke(id: string): void {
    const c = this.connections.get(id);
    if (c) c.status = 'revoked';
  }

  reconnect(id: string): void {
    const c = this.connections.get(id);
    if (c) c.status = 'healthy';
  }

  async access(
    connectionId: string,
    ownerId: string,
    requiredScopes?: string[],
  ): Promise<ConnectionAccessResponse> {
    this.accessCalls += 1;
    if (this.unavailable > 0) {
      this.unavailable -= 1;
      throw new ConnectionAccessError('connection_unavailable', 'auth answered 503');
    }
    const c = this.connections.get(connectionId);
    if (!c || c.ownerId !== ownerId)
      throw new ConnectionAccessError('connection_not_found', 'connection not found');
    if (c.status === 'revoked')
      throw new ConnectionAccessError('connection_revoked', 'the grant was revoked');
    if (c.provider === 'google') {
      const issued = this.providers.google!.issueToken({
        email: c.email,
        scopes: requiredScopes ?? [],
      });
      this.issued.push(issued.accessToken);
      return {
        connectionId,
        provider: 'google',
        account: c.email,
        auth: { type: 'bearer', token: issued.accessToken },
        expiresAt: issued.expiresAt,
        scopes: issued.scopes,
      };
    }
    this.issued.push(c.token);
    return {
      connectionId,
      provider: 'slack',
      account: 'FlowGenie Test (T0)',
      auth: { type: 'bearer', token: c.token },
      expiresAt: null,
      scopes: [],
    };
  }

  async report(
    connectionId: string,
    _ownerId: string,
    status: 'revoked' | 'expired' | 'error',
    reason: string,
  ) {
    this.reports.push({ connectionId, status, reason });
  }
}
