import type { ConnectionProvider, ConnectionResponse } from '@flowgenie/contracts';

const LABELS: Record<ConnectionProvider, string> = {
  google: 'Google',
  slack: 'Slack',
  http_bearer: 'Bearer token',
  http_header: 'API key (header)',
  http_query: 'API key (query)',
  http_basic: 'Basic auth',
  oauth2_client_credentials: 'OAuth2 client credentials',
  oauth2_authorization_code: 'OAuth2 authorization code',
};

/** Providers with a browser consent screen the user goes through (google, slack). */
export const CONSENT_PROVIDERS = ['google', 'slack'] as const;
export type ConsentProvider = (typeof CONSENT_PROVIDERS)[number];

export const isConsentProvider = (p: string): p is ConsentProvider =>
  (CONSENT_PROVIDERS as readonly string[]).includes(p);

/**
 * Providers that can be reconnected through a consent screen (keeps the connection's id; a generic
 * OAuth2 connection reuses its stored endpoints and client).
 */
export const canReconnect = (c: ConnectionResponse): boolean =>
  c.provider === 'google' || c.provider === 'slack' || c.provider === 'oauth2_authorization_code';

/**
 * "Google", or "Google (fake)" when the stack runs the local fake providers (FAKE_PROVIDERS=1):
 * a user must never mistake the fakes for their real accounts.
 */
export function providerLabel(provider: string, fake = false): string {
  const label = LABELS[provider as ConnectionProvider] ?? provider;
  return fake && isConsentProvider(provider) ? `${label} (fake)` : label;
}

export const isBroken = (c: ConnectionResponse): boolean => c.status !== 'healthy';

const STATUS_TEXT: Record<ConnectionResponse['status'], string> = {
  healthy: 'Healthy',
  expired: 'Expired',
  revoked: 'Revoked',
  error: 'Error',
};

export const statusText = (c: ConnectionResponse): string => STATUS_TEXT[c.status] ?? c.status;

/** What went wrong, in words, for a connection that is not healthy. */
export function brokenText(c: ConnectionResponse): string {
  const what =
    c.status === 'revoked'
      ? 'was revoked'
      : c.status === 'expired'
        ? 'has expired'
        : 'stopped working';
  return `This connection ${what}${c.statusReason ? `: ${c.statusReason}` : ''}.`;
}

/** Scopes a field needs that the connection was not granted. */
export function missingScopes(c: ConnectionResponse, required: readonly string[] = []): string[] {
  return required.filter((s) => !c.scopes.includes(s));
}

/** Messages for `/connections?error=<code>` (the OAuth callback's redirect). */
export function callbackErrorText(code: string): string {
  switch (code) {
    case 'access_denied':
      return 'You cancelled on the consent screen: nothing was connected.';
    case 'invalid_state':
      return 'The connection attempt expired or was started in another browser. Please try again.';
    case 'invalid_grant':
      return 'The provider refused the authorization code. Please try again.';
    case 'provider_error':
      return 'The provider answered with an error. Please try again in a moment.';
    default:
      return `Connecting failed (${code}). Please try again.`;
  }
}
