import type { CreateCredentialConnectionRequest } from '@flowgenie/contracts';
import {
  expiryOf,
  hostOf,
  type Connection,
  type ConnectionSecrets,
} from '../../domain/connections/connection';
import { EndpointNotAllowedError, ProviderRefusedError } from '../../domain/connections/errors';
import { InvalidGrantError } from '../../domain/connections/oauth';
import { createConnection, type ConnectionDeps } from './deps';

/**
 * Stores credentials the user typed in (bearer token, API key in a header or the query, basic auth,
 * OAuth2 client credentials). Client credentials are tried once first, so a wrong secret is a 400
 * now rather than a failed run later.
 */
export class CreateCredentialConnection {
  constructor(private readonly deps: ConnectionDeps) {}

  async execute(input: {
    ownerId: string;
    request: CreateCredentialConnectionRequest;
  }): Promise<Connection> {
    const { request } = input;
    const now = this.deps.clock.now();
    let secrets: ConnectionSecrets;
    let account: string | null = null;
    let expiresAt: Date | null = null;
    let scopes: string[] = [];
    switch (request.provider) {
      case 'http_bearer':
        secrets = { provider: 'http_bearer', token: request.token };
        break;
      case 'http_header':
        secrets = { provider: 'http_header', headerName: request.headerName, value: request.value };
        break;
      case 'http_query':
        secrets = { provider: 'http_query', parameter: request.parameter, value: request.value };
        break;
      case 'http_basic':
        secrets = {
          provider: 'http_basic',
          username: request.username,
          password: request.password,
        };
        account = request.username;
        break;
      case 'oauth2_client_credentials': {
        const client = {
          tokenUrl: request.tokenUrl,
          clientId: request.clientId,
          clientSecret: request.clientSecret,
          scope: request.scope,
        };
        const tokens = await this.deps.providers.clientCredentials(client).catch((err: unknown) => {
          if (err instanceof EndpointNotAllowedError) {
            throw new EndpointNotAllowedError(err.message, [
              { path: 'tokenUrl', message: err.message },
            ]);
          }
          if (err instanceof InvalidGrantError) {
            throw new ProviderRefusedError(
              `the token endpoint refused these client credentials (${err.reason})`,
              [
                {
                  path: 'clientSecret',
                  message: `refused by ${hostOf(request.tokenUrl) ?? 'the token endpoint'}: ${err.reason}`,
                },
              ],
            );
          }
          throw err;
        });
        secrets = {
          provider: 'oauth2_client_credentials',
          ...client,
          accessToken: tokens.accessToken,
        };
        account = hostOf(request.tokenUrl);
        expiresAt = expiryOf(tokens, now);
        scopes = tokens.scopes ?? (request.scope ? request.scope.split(/\s+/).filter(Boolean) : []);
        break;
      }
    }
    return createConnection(
      this.deps,
      {
        ownerId: input.ownerId,
        provider: request.provider,
        name: request.name,
        account,
        scopes,
        expiresAt,
        createdAt: now,
      },
      secrets,
    );
  }
}
