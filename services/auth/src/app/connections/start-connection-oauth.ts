import { createHash, randomBytes } from 'node:crypto';
import type { ErrorDetail, StartConnectionOAuthRequest } from '@flowgenie/contracts';
import { ValidationError } from '@flowgenie/platform/errors';
import {
  ConnectionNotFoundError,
  ProviderNotConfiguredError,
} from '../../domain/connections/errors';
import { OAUTH_STATE_TTL_SECONDS } from '../../domain/connections/oauth';
import type { OAuthStateStore, PendingOAuth } from '../../ports/oauth-state-store';
import { openSecrets, type ConnectionDeps } from './deps';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const randomToken = () => randomBytes(32).toString('base64url');

export interface StartedOAuth {
  authorizeUrl: string;
  /** Goes into the short-lived browser-binding cookie; the callback must bring it back. */
  browserBinding: string;
}

/**
 * Starts a consent dance: state, PKCE verifier (S256) and a browser binding are kept server-side
 * for {@link OAUTH_STATE_TTL_SECONDS}, bound to the caller; the browser goes to `authorizeUrl`.
 * With `reconnectId`, the callback renews that connection (same id) instead of creating one.
 */
export class StartConnectionOAuth {
  constructor(
    private readonly deps: ConnectionDeps & { states: OAuthStateStore; redirectUri: string },
  ) {}

  async execute(input: {
    ownerId: string;
    request: StartConnectionOAuthRequest;
  }): Promise<StartedOAuth> {
    const { request } = input;
    const missing = this.deps.providers.missingConfiguration(request.provider);
    if (missing.length > 0) throw new ProviderNotConfiguredError(request.provider, missing);

    let client: PendingOAuth['client'];
    let existingClient:
      | {
          authorizationUrl: string;
          tokenUrl: string;
          clientId: string;
          clientSecret: string;
          scope?: string;
        }
      | undefined;
    if (request.reconnectId) {
      const stored = await this.deps.connections.find(input.ownerId, request.reconnectId);
      if (!stored) throw new ConnectionNotFoundError();
      if (stored.connection.provider !== request.provider) {
        throw new ValidationError(
          `connection ${request.reconnectId} is a ${stored.connection.provider} connection`,
          [
            {
              path: 'provider',
              message: `must be ${stored.connection.provider} to reconnect this connection`,
            },
          ],
        );
      }
      const secrets = await openSecrets(this.deps, stored);
      if (secrets.provider === 'oauth2_authorization_code') existingClient = secrets;
    }
    if (request.provider === 'oauth2_authorization_code') {
      const endpoints = {
        authorizationUrl: request.authorizationUrl ?? existingClient?.authorizationUrl,
        tokenUrl: request.tokenUrl ?? existingClient?.tokenUrl,
        clientId: request.clientId ?? existingClient?.clientId,
        clientSecret: request.clientSecret ?? existingClient?.clientSecret,
      };
      const details: ErrorDetail[] = Object.entries(endpoints)
        .filter(([, v]) => v === undefined)
        .map(([path]) => ({ path, message: 'required for oauth2_authorization_code' }));
      if (details.length > 0)
        throw new ValidationError(
          `${details.map((d) => d.path).join(', ')} required for oauth2_authorization_code`,
          details,
        );
      client = {
        authorizationUrl: endpoints.authorizationUrl!,
        tokenUrl: endpoints.tokenUrl!,
        clientId: endpoints.clientId!,
        sealedClientSecret: '',
        scope: request.scope ?? existingClient?.scope,
      };
    }

    const state = randomToken();
    const codeVerifier = randomToken();
    const browserBinding = randomToken();
    const stateHash = sha256(state);
    if (client) {
      const clientSecret = request.clientSecret ?? existingClient!.clientSecret;
      client.sealedClientSecret = await this.deps.secrets.sealText(
        clientSecret,
        `oauth-state:${stateHash}`,
      );
    }
    const authorizeUrl = this.deps.providers.authorizeUrl(request.provider, {
      state,
      codeChallenge: sha256(codeVerifier),
      redirectUri: this.deps.redirectUri,
      client: client && { ...client, clientSecret: '' },
    });
    await this.deps.states.put(
      stateHash,
      {
        ownerId: input.ownerId,
        provider: request.provider,
        name: request.name,
        reconnectId: request.reconnectId,
        codeVerifier,
        browserBindingHash: sha256(browserBinding),
        client,
        createdAt: this.deps.clock.now().getTime(),
      },
      OAUTH_STATE_TTL_SECONDS,
    );
    return { authorizeUrl, browserBinding };
  }
}
