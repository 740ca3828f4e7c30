/**
 * Where FlowGenie reaches Google and Slack. Every service that talks to a provider (auth for OAuth
 * and option lists, the executor for actions, the trigger service for polling) reads the same
 * variables, so pointing one base URL at the local fakes (FAKE_PROVIDERS=1 npm start, and the tests)
 * moves all of them at once.
 */
export interface GoogleEndpoints {
  /** Consent screen (authorization endpoint). */
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  userInfoUrl: string;
  /** OpenID issuer the id_token's `iss` must equal, and its JWKS. */
  issuer: string;
  jwksUrl: string;
  /** googleapis `rootUrl` for Gmail and Calendar (ends with '/'). */
  apiRootUrl: string;
}

export interface SlackEndpoints {
  authorizeUrl: string;
  /** @slack/web-api `slackApiUrl` (ends with '/api/'). */
  apiUrl: string;
}

export interface ProviderEndpoints {
  google: GoogleEndpoints;
  slack: SlackEndpoints;
  /** True when a base URL override points at the local fakes: the UI labels such providers "fake". */
  fake: boolean;
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** One base URL serving every Google endpoint (the local fake), else Google's real hosts. */
export function googleEndpoints(baseUrl?: string): GoogleEndpoints {
  if (baseUrl) {
    const b = trimSlash(baseUrl);
    return {
      authorizeUrl: `${b}/o/oauth2/v2/auth`,
      tokenUrl: `${b}/token`,
      revokeUrl: `${b}/revoke`,
      userInfoUrl: `${b}/oauth2/v3/userinfo`,
      issuer: b,
      jwksUrl: `${b}/oauth2/v3/certs`,
      apiRootUrl: `${b}/`,
    };
  }
  return {
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    userInfoUrl: 'https://openidconnect.googleapis.com/v1/userinfo',
    issuer: 'https://accounts.google.com',
    jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    apiRootUrl: 'https://www.googleapis.com/',
  };
}

export function slackEndpoints(baseUrl?: string): SlackEndpoints {
  if (baseUrl) {
    const b = trimSlash(baseUrl);
    return { authorizeUrl: `${b}/oauth/v2/authorize`, apiUrl: `${b}/api/` };
  }
  return { authorizeUrl: 'https://slack.com/oauth/v2/authorize', apiUrl: 'https://slack.com/api/' };
}

/** From `GOOGLE_BASE_URL` and `SLACK_BASE_URL` (unset: the real providers). */
export function providerEndpointsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ProviderEndpoints {
  return {
    google: googleEndpoints(env.GOOGLE_BASE_URL || undefined),
    slack: slackEndpoints(env.SLACK_BASE_URL || undefined),
    fake: Boolean(env.GOOGLE_BASE_URL || env.SLACK_BASE_URL),
  };
}

const GOOGLE_SCOPE = 'https://www.googleapis.com/auth/';
/** What a Google connection asks for (Gmail read/send, Calendar), with offline access. */
export const GOOGLE_CONNECTION_SCOPES = [
  'openid',
  'email',
  'profile',
  `${GOOGLE_SCOPE}gmail.send`,
  `${GOOGLE_SCOPE}gmail.readonly`,
  `${GOOGLE_SCOPE}calendar.events`,
  `${GOOGLE_SCOPE}calendar.readonly`,
];
/** What "Sign in with Google" asks for. */
export const GOOGLE_SIGN_IN_SCOPES = ['openid', 'email', 'profile'];
/**
 * A Slack connection's bot scopes. `channels:history` / `groups:history` let a retried post look
 * for the message an earlier attempt may have posted (by its metadata) instead of posting twice.
 */
export const SLACK_BOT_SCOPES = [
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'users:read',
  'channels:history',
  'groups:history',
];
