import type { ConnectionOptionSource } from '@flowgenie/contracts';
import type { OAuthClientSecrets, ProviderTokens } from '../domain/connections/connection';
import type { OAuthConnectionProvider } from '../domain/connections/oauth';

/** The generic provider's endpoints and client, as the user typed them. */
export interface GenericOAuthClient extends OAuthClientSecrets {
  authorizationUrl: string;
}

export interface AuthorizeRequest {
  state: string;
  codeChallenge: string;
  redirectUri: string;
  client?: GenericOAuthClient;
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  client?: GenericOAuthClient;
}

/** What a finished consent dance gives. */
export interface GrantedConnection {
  tokens: ProviderTokens;
  account: string | null;
  scopes: string[];
}

/**
 * The providers' OAuth and API endpoints as the connections use cases need them. Adapters throw
 * `InvalidGrantError` when the grant is gone (invalid_grant, token_revoked),
 * `ProviderRateLimitedError` on 429 and `ProviderUnavailableError` otherwise.
 */
export interface OAuthProviders {
  /** Variables that must be set before `provider` can be connected ([] when ready). */
  missingConfiguration(provider: OAuthConnectionProvider): string[];
  authorizeUrl(provider: OAuthConnectionProvider, request: AuthorizeRequest): string;
  exchangeCode(
    provider: OAuthConnectionProvider,
    exchange: CodeExchange,
  ): Promise<GrantedConnection>;
  refresh(
    provider: OAuthConnectionProvider,
    refreshToken: string,
    client?: OAuthClientSecrets,
  ): Promise<ProviderTokens>;
  clientCredentials(client: OAuthClientSecrets): Promise<ProviderTokens>;
  /** Best effort: revokes the grant at the provider where it offers a way. */
  revoke(provider: OAuthConnectionProvider, token: string): Promise<void>;
  /** A list loaded through a connection's access token; `InvalidGrantError` when the token is refused. */
  options(
    source: ConnectionOptionSource,
    accessToken: string,
  ): Promise<{ value: string; label: string }[]>;
}
