import type { ConnectionAuth, ConnectionProvider, ConnectionStatus } from '@flowgenie/contracts';

/**
 * A user's stored credential for an outside service. Everything here may be shown to its owner;
 * the secrets live apart ({@link ConnectionSecrets}) and are only ever stored sealed.
 */
export interface Connection {
  id: string;
  ownerId: string;
  provider: ConnectionProvider;
  name: string;
  /** An email for Google, `team (id)` for Slack, a host for HTTP credentials. */
  account: string | null;
  scopes: string[];
  status: ConnectionStatus;
  statusReason: string | null;
  /** When the stored access token stops working (OAuth); null when it does not expire. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  /** The provider asked us to wait (429 on refresh) until then. */
  retryAfter: Date | null;
}

/** An OAuth client the user typed in (generic OAuth2 providers). */
export interface OAuthClientSecrets {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** The secret part of a connection, by provider. Sealed as one JSON value per record. */
export type ConnectionSecrets =
  | { provider: 'http_bearer'; token: string }
  | { provider: 'http_header'; headerName: string; value: string }
  | { provider: 'http_query'; parameter: string; value: string }
  | { provider: 'http_basic'; username: string; password: string }
  | ({ provider: 'oauth2_client_credentials'; accessToken?: string } & OAuthClientSecrets)
  | { provider: 'google'; accessToken: string; refreshToken?: string }
  | { provider: 'slack'; accessToken: string; refreshToken?: string }
  | ({
      provider: 'oauth2_authorization_code';
      authorizationUrl: string;
      accessToken: string;
      refreshToken?: string;
    } & OAuthClientSecrets);

/** Tokens a provider handed over (code exchange, refresh, client credentials). */
export interface ProviderTokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds from now; undefined = does not expire. */
  expiresIn?: number;
  /** Granted scopes, when the provider says. */
  scopes?: string[];
}

/** An access token is refreshed when it expires within this long. */
export const REFRESH_MARGIN_MS = 60_000;

/** Whether the connection's access token must be renewed before use. */
export function needsFreshToken(
  connection: Pick<Connection, 'expiresAt'>,
  secrets: ConnectionSecrets,
  now: Date,
): boolean {
  if (secrets.provider === 'oauth2_client_credentials' && !secrets.accessToken) return true;
  if (!connection.expiresAt) return false;
  return connection.expiresAt.getTime() - now.getTime() <= REFRESH_MARGIN_MS;
}

/** Whether a fresh token can be had without the user (a refresh token, or client credentials). */
export function canRenew(secrets: ConnectionSecrets): boolean {
  if (secrets.provider === 'oauth2_client_credentials') return true;
  return 'refreshToken' in secrets && Boolean(secrets.refreshToken);
}

/** What a caller puts on its requests. */
export function authOf(secrets: ConnectionSecrets): ConnectionAuth {
  switch (secrets.provider) {
    case 'http_bearer':
      return { type: 'bearer', token: secrets.token };
    case 'http_header':
      return { type: 'header', name: secrets.headerName, value: secrets.value };
    case 'http_query':
      return { type: 'query', name: secrets.parameter, value: secrets.value };
    case 'http_basic':
      return { type: 'basic', username: secrets.username, password: secrets.password };
    case 'oauth2_client_credentials':
      return { type: 'bearer', token: secrets.accessToken ?? '' };
    case 'google':
    case 'slack':
    case 'oauth2_authorization_code':
      return { type: 'bearer', token: secrets.accessToken };
  }
}

/** Secrets with the new tokens of a refresh (a refresh token is kept when none comes back). */
export function withTokens(secrets: ConnectionSecrets, tokens: ProviderTokens): ConnectionSecrets {
  switch (secrets.provider) {
    case 'oauth2_client_credentials':
      return { ...secrets, accessToken: tokens.accessToken };
    case 'google':
    case 'slack':
    case 'oauth2_authorization_code':
      return {
        ...secrets,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? secrets.refreshToken,
      };
    default:
      return secrets;
  }
}

/** Scopes the grant lacks of those a caller needs. */
export function missingScopes(
  granted: readonly string[],
  required: readonly string[] = [],
): string[] {
  return required.filter((s) => !granted.includes(s));
}

/** The account label of a credential connection: the host it is for, when known. */
export function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** Expiry instant of tokens received at `now`. */
export function expiryOf(tokens: ProviderTokens, now: Date): Date | null {
  return tokens.expiresIn === undefined ? null : new Date(now.getTime() + tokens.expiresIn * 1000);
}
