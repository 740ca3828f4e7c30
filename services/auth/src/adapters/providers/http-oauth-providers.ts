import type { ConnectionOptionSource } from '@flowgenie/contracts';
import {
  GOOGLE_CONNECTION_SCOPES,
  SLACK_BOT_SCOPES,
  type GoogleEndpoints,
  type SlackEndpoints,
} from '@flowgenie/integrations';
import { safeHttpRequest } from '@flowgenie/workflow/safe-http';
import {
  hostOf as urlHost,
  type OAuthClientSecrets,
  type ProviderTokens,
} from '../../domain/connections/connection';
import {
  EndpointNotAllowedError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from '../../domain/connections/errors';
import { InvalidGrantError, type OAuthConnectionProvider } from '../../domain/connections/oauth';
import type {
  AuthorizeRequest,
  CodeExchange,
  GrantedConnection,
  OAuthProviders,
} from '../../ports/oauth-providers';

export interface HttpOAuthProvidersOptions {
  google: GoogleEndpoints & { clientId?: string; clientSecret?: string };
  slack: SlackEndpoints & { clientId?: string; clientSecret?: string };
  fetch?: typeof fetch;
  timeoutMs?: number;
  /**
   * Which addresses endpoints typed in by users (generic OAuth2 token URLs) may resolve to; by
   * default only public ones (the HTTP step's SSRF guard, checked on the address connected to).
   */
  userEndpoints?: { allowLoopback?: boolean; allowPrivateNetworks?: boolean };
}

type Json = Record<string, unknown>;

/** Slack errors that mean the token will never work again. */
const SLACK_DEAD_TOKEN = new Set([
  'token_revoked',
  'invalid_auth',
  'account_inactive',
  'not_authed',
  'token_expired',
  'invalid_refresh_token',
]);
const DEFAULT_RETRY_AFTER_SECONDS = 30;

/** Retry-After as seconds (delta or HTTP date), at least 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_AFTER_SECONDS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((at - now) / 1000));
}

const hostOf = (url: string) => urlHost(url) ?? 'the provider';
const short = (text: unknown) => String(text ?? '').slice(0, 200);
const scopesOf = (scope: unknown, separator: RegExp) =>
  typeof scope === 'string'
    ? scope
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

/**
 * Google, Slack and generic OAuth2 over their documented HTTP endpoints (RFC 6749 token requests,
 * Google's revocation endpoint, Slack `oauth.v2.access` / `auth.revoke` / `conversations.list`,
 * Calendar `calendarList.list`, Gmail `users.labels.list`). The endpoints come from
 * `providerEndpointsFromEnv`, so GOOGLE_BASE_URL / SLACK_BASE_URL point it at the local fakes.
 * No token or secret is ever put in an error message.
 */
export class HttpOAuthProviders implements OAuthProviders {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpOAuthProvidersOptions) {
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  missingConfiguration(provider: OAuthConnectionProvider): string[] {
    if (provider === 'google') {
      return [
        !this.opts.google.clientId && 'GOOGLE_CLIENT_ID',
        !this.opts.google.clientSecret && 'GOOGLE_CLIENT_SECRET',
      ].filter(Boolean) as string[];
    }
    if (provider === 'slack') {
      return [
        !this.opts.slack.clientId && 'SLACK_CLIENT_ID',
        !this.opts.slack.clientSecret && 'SLACK_CLIENT_SECRET',
      ].filter(Boolean) as string[];
    }
    return [];
  }

  authorizeUrl(provider: OAuthConnectionProvider, request: AuthorizeRequest): string {
    const params: Record<string, string> =
      provider === 'google'
        ? {
            client_id: this.opts.google.clientId ?? '',
            redirect_uri: request.redirectUri,
            response_type: 'code',
            scope: GOOGLE_CONNECTION_SCOPES.join(' '),
            access_type: 'offline',
            prompt: 'consent',
            include_granted_scopes: 'true',
            state: request.state,
            code_challenge: request.codeChallenge,
            code_challenge_method: 'S256',
          }
        : provider === 'slack'
          ? {
              client_id: this.opts.slack.clientId ?? '',
              scope: SLACK_BOT_SCOPES.join(','),
              redirect_uri: request.redirectUri,
              state: request.state,
            }
          : {
              response_type: 'code',
              client_id: request.client!.clientId,
              redirect_uri: request.redirectUri,
              state: request.state,
              code_challenge: request.codeChallenge,
              code_challenge_method: 'S256',
              ...(request.client!.scope ? { scope: request.client!.scope } : {}),
            };
    const base =
      provider === 'google'
        ? this.opts.google.authorizeUrl
        : provider === 'slack'
          ? this.opts.slack.authorizeUrl
          : request.client!.authorizationUrl;
    const url = new URL(base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  async exchangeCode(
    provider: OAuthConnectionProvider,
    exchange: CodeExchange,
  ): Promise<GrantedConnection> {
    if (provider === 'slack') {
      const body = await this.slackCall('oauth.v2.access', undefined, {
        client_id: this.opts.slack.clientId ?? '',
        client_secret: this.opts.slack.clientSecret ?? '',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
      });
      const team = body.team as { id?: string; name?: string } | undefined;
      const tokens = slackTokens(body);
      return {
        tokens,
        account: team?.id ? `${team.name ?? team.id} (${team.id})` : null,
        scopes: tokens.scopes ?? [],
      };
    }
    const client = provider === 'google' ? this.googleClient() : exchange.client!;
    const tokens = await this.tokenRequest(
      client.tokenUrl,
      {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        client_id: client.clientId,
        client_secret: client.clientSecret,
        code_verifier: exchange.codeVerifier,
      },
      provider !== 'google',
    );
    if (provider === 'google') {
      const info = await this.getJson(this.opts.google.userInfoUrl, tokens.accessToken);
      return {
        tokens,
        account: typeof info.email === 'string' ? info.email : null,
        scopes: tokens.scopes ?? [],
      };
    }
    return {
      tokens,
      account: hostOf(client.tokenUrl),
      scopes: tokens.scopes ?? scopesOf(client.scope, /\s+/) ?? [],
    };
  }

  async refresh(
    provider: OAuthConnectionProvider,
    refreshToken: string,
    client?: OAuthClientSecrets,
  ): Promise<ProviderTokens> {
    if (provider === 'slack') {
      return slackTokens(
        await this.slackCall('oauth.v2.access', undefined, {
          client_id: this.opts.slack.clientId ?? '',
          client_secret: this.opts.slack.clientSecret ?? '',
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      );
    }
    const c = provider === 'google' ? this.googleClient() : client!;
    return this.tokenRequest(
      c.tokenUrl,
      {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: c.clientId,
        client_secret: c.clientSecret,
      },
      provider !== 'google',
    );
  }

  clientCredentials(client: OAuthClientSecrets): Promise<ProviderTokens> {
    return this.tokenRequest(
      client.tokenUrl,
      {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
        ...(client.scope ? { scope: client.scope } : {}),
      },
      true,
    );
  }

  async revoke(provider: OAuthConnectionProvider, token: string): Promise<void> {
    if (provider === 'google') {
      const res = await this.send(this.opts.google.revokeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
      // 400 invalid_token: already revoked, which is what was wanted.
      if (!res.ok && res.status !== 400)
        throw new ProviderUnavailableError(`Google answered ${res.status} to the revocation`);
    } else if (provider === 'slack') {
      await this.slackCall('auth.revoke', token, {}).catch((err: unknown) => {
        if (!(err instanceof InvalidGrantError)) throw err;
      });
    }
    // Generic OAuth2 providers have no common revocation endpoint: deleting the tokens is all we can do.
  }

  async options(
    source: ConnectionOptionSource,
    accessToken: string,
  ): Promise<{ value: string; label: string }[]> {
    switch (source) {
      case 'slack.channels': {
        const items: { value: string; label: string }[] = [];
        let cursor = '';
        for (let page = 0; page < 20; page++) {
          const body = await this.slackCall('conversations.list', accessToken, {
            types: 'public_channel,private_channel',
            exclude_archived: 'true',
            limit: '200',
            ...(cursor ? { cursor } : {}),
          });
          for (const ch of (body.channels as { id: string; name: string }[] | undefined) ?? [])
            items.push({ value: ch.id, label: `#${ch.name}` });
          cursor = String(
            (body.response_metadata as { next_cursor?: string } | undefined)?.next_cursor ?? '',
          );
          if (!cursor) break;
        }
        return items;
      }
      case 'google.calendars': {
        const body = await this.getJson(
          `${this.opts.google.apiRootUrl}calendar/v3/users/me/calendarList`,
          accessToken,
        );
        return (
          (body.items as { id: string; summary?: string; primary?: boolean }[] | undefined) ?? []
        ).map((c) => ({
          value: c.id,
          label: `${c.summary ?? c.id}${c.primary ? ' (primary)' : ''}`,
        }));
      }
      case 'gmail.labels': {
        const body = await this.getJson(
          `${this.opts.google.apiRootUrl}gmail/v1/users/me/labels`,
          accessToken,
        );
        return ((body.labels as { id: string; name?: string }[] | undefined) ?? []).map((l) => ({
          value: l.id,
          label: l.name ?? l.id,
        }));
      }
    }
  }

  private googleClient(): OAuthClientSecrets {
    return {
      tokenUrl: this.opts.google.tokenUrl,
      clientId: this.opts.google.clientId ?? '',
      clientSecret: this.opts.google.clientSecret ?? '',
    };
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetch(url, {
        ...init,
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderUnavailableError(`${hostOf(url)} did not answer (${(err as Error).name})`);
    }
  }

  /** A request to an endpoint a user typed in: refused unless its address is allowed. */
  private async sendGuarded(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<Response> {
    try {
      const res = await safeHttpRequest(
        {
          method: init.method,
          url,
          headers: init.headers,
          body: init.body,
          timeoutMs: this.timeoutMs,
          followRedirects: false,
        },
        this.opts.userEndpoints ?? {},
      );
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers))
        headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
      return new Response(
        res.status === 204 || res.status === 304 ? null : new Uint8Array(res.body),
        { status: res.status, headers },
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'ssrf_refused') {
        throw new EndpointNotAllowedError(
          `${hostOf(url)} is not a public address: ${short((err as Error).message)}`,
        );
      }
      throw new ProviderUnavailableError(
        `${hostOf(url)} did not answer (${short((err as Error).message)})`,
      );
    }
  }

  /** An RFC 6749 token request (form body, client secret in the body). */
  private async tokenRequest(
    url: string,
    params: Record<string, string>,
    typedByUser: boolean,
  ): Promise<ProviderTokens> {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
    };
    const res = typedByUser ? await this.sendGuarded(url, init) : await this.send(url, init);
    if (res.status === 429)
      throw new ProviderRateLimitedError(retryAfterSeconds(res.headers.get('retry-after')));
    const body = (await res.json().catch(() => null)) as Json | null;
    if (res.ok && body && typeof body.access_token === 'string') {
      return {
        accessToken: body.access_token,
        refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
        expiresIn:
          typeof body.expires_in === 'number'
            ? body.expires_in
            : body.expires_in
              ? Number(body.expires_in)
              : undefined,
        scopes: scopesOf(body.scope, /\s+/),
      };
    }
    if ((res.status === 400 || res.status === 401) && body && typeof body.error === 'string') {
      throw new InvalidGrantError(
        `${short(body.error)}${body.error_description ? `: ${short(body.error_description)}` : ''}`,
      );
    }
    throw new ProviderUnavailableError(
      `the token endpoint of ${hostOf(url)} answered ${res.status}`,
    );
  }

  private async getJson(url: string, accessToken: string): Promise<Json> {
    const res = await this.send(url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (res.status === 429)
      throw new ProviderRateLimitedError(retryAfterSeconds(res.headers.get('retry-after')));
    if (res.status === 401)
      throw new InvalidGrantError(`${hostOf(url)} refused the access token (401)`);
    const body = (await res.json().catch(() => null)) as Json | null;
    if (!res.ok || !body) {
      const message = (body?.error as { message?: string } | undefined)?.message;
      throw new ProviderUnavailableError(
        `${hostOf(url)} answered ${res.status}${message ? `: ${short(message)}` : ''}`,
      );
    }
    return body;
  }

  /** A Slack Web API call (form POST); `ok: false` becomes an error named by Slack's code. */
  private async slackCall(
    method: string,
    token: string | undefined,
    args: Record<string, string>,
  ): Promise<Json> {
    const res = await this.send(`${this.opts.slack.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: new URLSearchParams(args),
    });
    if (res.status === 429)
      throw new ProviderRateLimitedError(retryAfterSeconds(res.headers.get('retry-after')));
    const body = (await res.json().catch(() => null)) as Json | null;
    if (!body) throw new ProviderUnavailableError(`Slack ${method} answered ${res.status}`);
    if (body.ok !== true) {
      const error = short(body.error);
      if (SLACK_DEAD_TOKEN.has(error) || method === 'oauth.v2.access')
        throw new InvalidGrantError(`slack ${error}`);
      throw new ProviderUnavailableError(`Slack ${method} answered ${error}`);
    }
    return body;
  }
}

function slackTokens(body: Json): ProviderTokens {
  return {
    accessToken: String(body.access_token ?? ''),
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    scopes: scopesOf(body.scope, /,/),
  };
}
