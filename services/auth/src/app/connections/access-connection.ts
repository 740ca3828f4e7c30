import type { ConnectionAccessResponse } from '@flowgenie/contracts';
import {
  authOf,
  canRenew,
  expiryOf,
  missingScopes,
  needsFreshToken,
  withTokens,
  type Connection,
  type ConnectionSecrets,
} from '../../domain/connections/connection';
import {
  ConnectionExpiredError,
  ConnectionMissingScopeError,
  ConnectionNotFoundError,
  ConnectionRevokedError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  type ConnectionError,
} from '../../domain/connections/errors';
import { InvalidGrantError, isOAuthProvider } from '../../domain/connections/oauth';
import type { ConnectionPatch } from '../../ports/connection-repository';
import {
  assertUsable,
  findOrThrow,
  openSecrets,
  secretsContext,
  unusableError,
  type ConnectionDeps,
} from './deps';

export interface UsableConnection {
  connection: Connection;
  secrets: ConnectionSecrets;
}

type Renewal = { ok: UsableConnection } | { error: ConnectionError };

/** Sealed secrets as read and what they open to: no second decryption of the same value. */
interface OpenedSecrets {
  sealed: string;
  secrets: ConnectionSecrets;
}

/** Seconds until `until`, at least 1. */
const secondsUntil = (until: Date, now: Date) =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/**
 * Hands a usable credential to another service (the executor, the trigger service) or to the
 * options lists. An OAuth access token that expires within a minute is refreshed first, once:
 * concurrent callers in this process share one promise, and callers in other auth processes wait
 * on the connection's renewal lock, then find the fresh token and use it.
 *
 * - a refresh answered `invalid_grant` marks the connection revoked (409 `connection_revoked` from then on);
 * - a 429 on refresh is remembered until its Retry-After: no token request before then, and the
 *   current token is used while it still works;
 * - lastUsedAt is set on every successful access.
 */
export class AccessConnection {
  private readonly inflight = new Map<string, Promise<Renewal>>();

  constructor(private readonly deps: ConnectionDeps) {}

  async execute(input: {
    ownerId: string;
    connectionId: string;
    requiredScopes?: string[];
  }): Promise<ConnectionAccessResponse> {
    const usable = await this.usable(input.ownerId, input.connectionId, {
      requiredScopes: input.requiredScopes,
    });
    return {
      connectionId: usable.connection.id,
      provider: usable.connection.provider,
      account: usable.connection.account,
      auth: authOf(usable.secrets),
      expiresAt: usable.connection.expiresAt?.getTime() ?? null,
      scopes: usable.connection.scopes,
    };
  }

  /**
   * A healthy connection with a token good for at least a minute. `staleToken`: the provider just
   * refused this token although it has not expired by our clock; renew it unless someone already has.
   */
  async usable(
    ownerId: string,
    connectionId: string,
    opts: { requiredScopes?: string[]; staleToken?: string } = {},
  ): Promise<UsableConnection> {
    const stored = await findOrThrow(this.deps, ownerId, connectionId);
    assertUsable(stored.connection);
    const missing = missingScopes(stored.connection.scopes, opts.requiredScopes);
    if (missing.length > 0 && isOAuthProvider(stored.connection.provider))
      throw new ConnectionMissingScopeError(missing);
    let usable: UsableConnection = {
      connection: stored.connection,
      secrets: await openSecrets(this.deps, stored),
    };
    const now = this.deps.clock.now();
    if (this.mustRenew(usable, now, opts.staleToken)) {
      const opened = { sealed: stored.sealedSecrets, secrets: usable.secrets };
      const renewal = await this.renewOnce(ownerId, connectionId, opts.staleToken, opened);
      if ('error' in renewal) throw renewal.error;
      usable = renewal.ok;
    }
    await this.deps.connections.touch(connectionId, now);
    return { ...usable, connection: { ...usable.connection, lastUsedAt: now } };
  }

  private mustRenew(usable: UsableConnection, now: Date, staleToken?: string): boolean {
    if (staleToken !== undefined && tokenOf(usable.secrets) === staleToken) return true;
    return needsFreshToken(usable.connection, usable.secrets, now);
  }

  /** One renewal per connection at a time in this process; the lock covers the other processes. */
  private renewOnce(
    ownerId: string,
    connectionId: string,
    staleToken: string | undefined,
    opened: OpenedSecrets,
  ): Promise<Renewal> {
    let pending = this.inflight.get(connectionId);
    if (!pending) {
      pending = this.renew(ownerId, connectionId, staleToken, opened).finally(() =>
        this.inflight.delete(connectionId),
      );
      this.inflight.set(connectionId, pending);
    }
    return pending;
  }

  /** `opened`: secrets the caller already opened; the row's are opened again only if they changed. */
  private async renew(
    ownerId: string,
    connectionId: string,
    staleToken: string | undefined,
    opened: OpenedSecrets,
  ): Promise<Renewal> {
    const renewal = await this.deps.connections.withRenewalLock<Renewal>(
      ownerId,
      connectionId,
      async (current) => {
        const connection = current.connection;
        const secrets =
          current.sealedSecrets === opened.sealed
            ? opened.secrets
            : await openSecrets(this.deps, current);
        const now = this.deps.clock.now();
        const usable = { connection, secrets };
        const unusable = unusableError(connection);
        if (unusable) return { result: { error: unusable } };
        // Another caller (here or in another process) renewed it while this one waited for the lock.
        if (!this.mustRenew(usable, now, staleToken)) return { result: { ok: usable } };
        const stillWorks = connection.expiresAt === null || connection.expiresAt > now;
        const useCurrentOr = (error: ConnectionError, patch?: ConnectionPatch) =>
          stillWorks && staleToken === undefined && tokenOf(secrets)
            ? { patch, result: { ok: usable } }
            : { patch, result: { error } };

        if (connection.retryAfter && connection.retryAfter > now) {
          return useCurrentOr(
            new ProviderRateLimitedError(secondsUntil(connection.retryAfter, now)),
          );
        }
        if (!canRenew(secrets)) {
          if (stillWorks && staleToken === undefined) return { result: { ok: usable } };
          const reason = 'the access token expired and the provider gave no refresh token';
          const patch: ConnectionPatch = { status: 'expired', statusReason: reason };
          return { patch, result: { error: new ConnectionExpiredError(reason) } };
        }
        try {
          const tokens =
            secrets.provider === 'oauth2_client_credentials'
              ? await this.deps.providers.clientCredentials(secrets)
              : await this.deps.providers.refresh(
                  connection.provider as 'google' | 'slack' | 'oauth2_authorization_code',
                  (secrets as { refreshToken: string }).refreshToken,
                  secrets.provider === 'oauth2_authorization_code' ? secrets : undefined,
                );
          const renewed = withTokens(secrets, tokens);
          const patch: ConnectionPatch = {
            sealedSecrets: await this.deps.secrets.seal(renewed, secretsContext(connectionId)),
            expiresAt: expiryOf(tokens, now),
            retryAfter: null,
            ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
          };
          this.deps.log.info(
            { connectionId, provider: connection.provider },
            'connection token refreshed',
          );
          const { sealedSecrets: _sealed, ...shown } = patch;
          return {
            patch,
            result: { ok: { connection: { ...connection, ...shown }, secrets: renewed } },
          };
        } catch (err) {
          if (err instanceof InvalidGrantError) {
            const patch: ConnectionPatch = { status: 'revoked', statusReason: err.reason };
            this.deps.log.warn(
              { connectionId, provider: connection.provider, reason: err.reason },
              'connection revoked by the provider',
            );
            return { patch, result: { error: new ConnectionRevokedError(err.reason) } };
          }
          if (err instanceof ProviderRateLimitedError) {
            const patch: ConnectionPatch = {
              retryAfter: new Date(now.getTime() + err.retryAfterSeconds * 1000),
            };
            this.deps.log.warn(
              {
                connectionId,
                provider: connection.provider,
                retryAfterSeconds: err.retryAfterSeconds,
              },
              'token refresh rate limited',
            );
            return useCurrentOr(err, patch);
          }
          if (err instanceof ProviderUnavailableError) {
            this.deps.log.warn(
              { connectionId, provider: connection.provider, reason: err.message },
              'token refresh failed',
            );
            return useCurrentOr(err);
          }
          throw err;
        }
      },
    );
    // Deleted while this caller waited.
    return renewal ?? { error: new ConnectionNotFoundError() };
  }
}

function tokenOf(secrets: ConnectionSecrets): string | undefined {
  return 'accessToken' in secrets ? secrets.accessToken : undefined;
}
