import { timingSafeEqual } from 'node:crypto';
import {
  expiryOf,
  type ConnectionSecrets,
  type ProviderTokens,
} from '../../domain/connections/connection';
import { InvalidOAuthStateError, OAuthDeniedError } from '../../domain/connections/errors';
import {
  OAUTH_STATE_TTL_SECONDS,
  type OAuthConnectionProvider,
} from '../../domain/connections/oauth';
import type { OAuthStateStore } from '../../ports/oauth-state-store';
import type { GenericOAuthClient } from '../../ports/oauth-providers';
import { createConnection, secretsContext, type ConnectionDeps } from './deps';
import { sha256 } from './start-connection-oauth';

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function secretsOf(
  provider: OAuthConnectionProvider,
  tokens: ProviderTokens,
  client?: GenericOAuthClient,
): ConnectionSecrets {
  const { accessToken, refreshToken } = tokens;
  if (provider === 'oauth2_authorization_code')
    return { provider, ...client!, accessToken, refreshToken };
  return { provider, accessToken, refreshToken };
}

/**
 * The provider sent the browser back. The state must be known, unused, younger than
 * {@link OAUTH_STATE_TTL_SECONDS} and presented by the browser that started the dance (its binding
 * cookie); then the code is exchanged (with the PKCE verifier) and the connection created, or the
 * reconnected one renewed in place.
 */
export class CompleteConnectionOAuth {
  constructor(
    private readonly deps: ConnectionDeps & { states: OAuthStateStore; redirectUri: string },
  ) {}

  async execute(input: {
    state?: string;
    code?: string;
    error?: string;
    browserBinding?: string;
  }): Promise<{ connectionId: string }> {
    if (!input.state) throw new InvalidOAuthStateError('no state');
    const stateHash = sha256(input.state);
    const pending = await this.deps.states.take(stateHash);
    if (!pending) throw new InvalidOAuthStateError('unknown or already used state');
    const now = this.deps.clock.now();
    if (now.getTime() - pending.createdAt > OAUTH_STATE_TTL_SECONDS * 1000)
      throw new InvalidOAuthStateError('expired');
    if (
      !input.browserBinding ||
      !sameText(sha256(input.browserBinding), pending.browserBindingHash)
    ) {
      throw new InvalidOAuthStateError('it was started in another browser');
    }
    if (input.error) throw new OAuthDeniedError(input.error);
    if (!input.code) throw new InvalidOAuthStateError('no code');

    const client: GenericOAuthClient | undefined = pending.client && {
      authorizationUrl: pending.client.authorizationUrl,
      tokenUrl: pending.client.tokenUrl,
      clientId: pending.client.clientId,
      scope: pending.client.scope,
      clientSecret: await this.deps.secrets.openText(
        pending.client.sealedClientSecret,
        `oauth-state:${stateHash}`,
      ),
    };
    const granted = await this.deps.providers.exchangeCode(pending.provider, {
      code: input.code,
      codeVerifier: pending.codeVerifier,
      redirectUri: this.deps.redirectUri,
      client,
    });
    const secrets = secretsOf(pending.provider, granted.tokens, client);
    const expiresAt = expiryOf(granted.tokens, now);

    if (pending.reconnectId) {
      const id = pending.reconnectId;
      const updated = await this.deps.connections.update(pending.ownerId, id, {
        ...(pending.name ? { name: pending.name } : {}),
        account: granted.account,
        scopes: granted.scopes,
        status: 'healthy',
        statusReason: null,
        expiresAt,
        retryAfter: null,
        sealedSecrets: await this.deps.secrets.seal(secrets, secretsContext(id)),
      });
      if (updated) {
        this.deps.log.info(
          { connectionId: id, provider: pending.provider },
          'connection reconnected',
        );
        return { connectionId: id };
      }
      // Deleted meanwhile: the grant becomes a new connection rather than being thrown away.
    }
    const connection = await createConnection(
      this.deps,
      {
        ownerId: pending.ownerId,
        provider: pending.provider,
        name: pending.name ?? granted.account ?? pending.provider,
        account: granted.account,
        scopes: granted.scopes,
        expiresAt,
        createdAt: now,
      },
      secrets,
    );
    return { connectionId: connection.id };
  }
}
