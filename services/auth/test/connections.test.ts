import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { ConnectionAccessError, httpConnectionAccess } from '@flowgenie/integrations';
import {
  startFakeGoogle,
  startFakeSlack,
  type FakeGoogle,
  type FakeSlack,
} from '@flowgenie/local-fakes';
import { compose, type AuthService } from '../src/compose';
import { APP_ORIGIN, anEmail, call, signUp, startAuth, type TestAuth } from './support';

jest.setTimeout(60_000);

const SERVICE_TOKEN = 'internal-service-token-for-tests-0123456789abcdef';
const GOOGLE = { clientId: 'conn-google-client', clientSecret: 'conn-google-client-secret-XYZ' };
const SLACK = {
  clientId: '111.222',
  clientSecret: 'conn-slack-client-secret-XYZ',
  signingSecret: 'sig',
};
const CALLBACK = `${APP_ORIGIN}/api/connections/oauth/callback`;
const ALICE = 'alice@example.com';
const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';

type Session = Awaited<ReturnType<typeof signUp>>;

/** A token endpoint for `oauth2_client_credentials`: one client, tokens valid 1 hour, every request counted. */
async function startTokenServer() {
  const issued: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      res.setHeader('content-type', 'application/json');
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== 'cc-client' ||
        form.get('client_secret') !== 'cc-secret-VALUE'
      ) {
        res.statusCode = 401;
        res.end(
          JSON.stringify({
            error: 'invalid_client',
            error_description: 'Client authentication failed',
          }),
        );
        return;
      }
      const token = `cc-access-${issued.length + 1}-${Math.random().toString(36).slice(2)}`;
      issued.push(token);
      res.end(
        JSON.stringify({
          access_token: token,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: form.get('scope') ?? 'read',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`,
    issued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('connections', () => {
  let google: FakeGoogle;
  let slack: FakeSlack;
  let tokenServer: Awaited<ReturnType<typeof startTokenServer>>;
  let auth: TestAuth;
  let alice: Session;
  let bob: Session;
  /** Every token and secret seen in the test: none may appear in a log line, answer or event. */
  const secretsSeen = new Set<string>([
    GOOGLE.clientSecret,
    SLACK.clientSecret,
    SERVICE_TOKEN,
    'cc-secret-VALUE',
    'typed-bearer-SECRET',
  ]);

  beforeAll(async () => {
    google = await startFakeGoogle({
      accounts: [
        { email: ALICE, name: 'Alice' },
        { email: 'bob@example.com', name: 'Bob' },
      ],
      clients: [{ ...GOOGLE, redirectUris: [`${APP_ORIGIN}/*`] }],
    });
    slack = await startFakeSlack({
      apps: [{ ...SLACK, redirectUris: [`${APP_ORIGIN}/*`] }],
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [
        { id: 'C0GENERAL', name: 'general' },
        { id: 'C0ALERTS', name: 'alerts' },
      ],
    });
    tokenServer = await startTokenServer();
    auth = await startAuth('connections', {
      GOOGLE_CLIENT_ID: GOOGLE.clientId,
      GOOGLE_CLIENT_SECRET: GOOGLE.clientSecret,
      SLACK_CLIENT_ID: SLACK.clientId,
      SLACK_CLIENT_SECRET: SLACK.clientSecret,
      GOOGLE_BASE_URL: google.url,
      SLACK_BASE_URL: slack.url,
      INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
      // The OAuth2 endpoints typed in below are local test servers.
      HTTP_ALLOW_LOOPBACK: 'true',
    });
    alice = await signUp(auth.url, anEmail('alice'));
    bob = await signUp(auth.url, anEmail('bob'));
    google.setAutoApprove(ALICE);
    slack.setAutoApprove('U0ALICE');
  });

  afterAll(async () => {
    await auth?.stop();
    await google?.close();
    await slack?.close();
    await tokenServer?.close();
  });

  /** Everything a provider was sent that is secret (codes, refresh tokens, verifiers, client secrets). */
  function collectProviderSecrets() {
    for (const r of [
      ...google.requests('/token'),
      ...google.requests('/revoke'),
      ...slack.requests(),
    ]) {
      const body = (r.body ?? {}) as Record<string, unknown>;
      for (const k of ['code', 'refresh_token', 'code_verifier', 'client_secret', 'token']) {
        if (typeof body[k] === 'string' && (body[k] as string).length > 8)
          secretsSeen.add(body[k] as string);
      }
      const bearer = /^Bearer (.+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
      if (bearer) secretsSeen.add(bearer);
    }
  }

  /** `token`: null sends no Authorization header. */
  const internal = (
    id: string,
    what: 'access' | 'report',
    body: unknown,
    token: string | null = SERVICE_TOKEN,
  ) =>
    fetch(`${auth.url}/internal/connections/${id}/${what}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    }).then(async (res) => {
      const text = await res.text();
      const json = text ? JSON.parse(text) : undefined;
      if (json?.auth?.token) secretsSeen.add(json.auth.token);
      return { status: res.status, body: json, headers: res.headers };
    });

  /** The browser's part: start, follow the consent screen (auto-approved), come back to the callback. */
  async function connect(
    user: Session,
    body: Record<string, unknown>,
    opts: { dropCookie?: boolean; beforeCallback?: () => void } = {},
  ) {
    const started = await call(auth.url, 'POST', '/connections/oauth/start', {
      token: user.accessToken,
      body,
    });
    expect(started.status).toBe(200);
    const cookie = started.cookies.find((c) => c.startsWith('__Host-fg_oauth='))!.split(';')[0];
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    opts.beforeCallback?.();
    const landed = await callback(back.search, opts.dropCookie ? undefined : cookie);
    return {
      authorizeUrl: new URL(started.body.authorizeUrl),
      search: back.search,
      cookie,
      ...landed,
    };
  }

  async function callback(search: string, cookie?: string) {
    const res = await fetch(`${auth.url}/connections/oauth/callback${search}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(`${APP_ORIGIN}/connections`);
    return { connected: to.searchParams.get('connected'), error: to.searchParams.get('error') };
  }

  const list = async (user: Session) => {
    const res = await call(auth.url, 'GET', '/connections', { token: user.accessToken });
    expect(res.status).toBe(200);
    return res.body.items as Record<string, unknown>[];
  };

  /** Stores typed-in credentials (POST /connections) as `user`. */
  const createCredential = (user: Session, body: Record<string, unknown>) =>
    call(auth.url, 'POST', '/connections', { token: user.accessToken, body });

  /** The builder's options list of `source` through connection `id`, as `user`. */
  const options = (user: Session, id: string, source: string) =>
    call(auth.url, 'GET', `/connections/${id}/options/${source}`, { token: user.accessToken });

  const refreshRequests = () =>
    google
      .requests('/token')
      .filter((r) => (r.body as Record<string, unknown>)?.grant_type === 'refresh_token').length;

  describe('Google', () => {
    let connectionId: string;

    it('connects through the consent screen with offline access, PKCE and the Gmail and Calendar scopes', async () => {
      const done = await connect(alice, { provider: 'google', name: 'Work Gmail' });
      const q = done.authorizeUrl.searchParams;
      expect(q.get('access_type')).toBe('offline');
      expect(q.get('prompt')).toBe('consent');
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('redirect_uri')).toBe(CALLBACK);
      expect(q.get('scope')).toContain(GMAIL_SEND);
      expect(done.error).toBeNull();
      connectionId = done.connected!;

      const items = await list(alice);
      expect(items).toEqual([
        expect.objectContaining({
          id: connectionId,
          provider: 'google',
          name: 'Work Gmail',
          account: ALICE,
          status: 'healthy',
          statusReason: null,
          lastUsedAt: null,
        }),
      ]);
      expect(items[0].scopes).toEqual(
        expect.arrayContaining([GMAIL_SEND, 'https://www.googleapis.com/auth/calendar.events']),
      );
      const [row] = await auth.query<{ secrets_sealed: string }>(
        'select secrets_sealed from auth.connections where id = $1',
        [connectionId],
      );
      expect(row.secrets_sealed).toMatch(/^fgenv1:/);
      const events = await auth.query<{ type: string; envelope: { data: unknown } }>(
        "select type, envelope from auth.outbox where type like 'connection.%'",
      );
      expect(events).toEqual([
        {
          type: 'connection.created',
          envelope: expect.objectContaining({
            data: { connectionId, ownerId: alice.user.id, provider: 'google' },
          }),
        },
      ]);
    });

    it('hands the executor a working token and records the use', async () => {
      const res = await internal(connectionId, 'access', {
        ownerId: alice.user.id,
        requiredScopes: [GMAIL_SEND],
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        connectionId,
        provider: 'google',
        account: ALICE,
        auth: { type: 'bearer', token: expect.any(String) },
        expiresAt: expect.any(Number),
        scopes: expect.arrayContaining([GMAIL_SEND]),
      });
      const profile = await fetch(`${google.url}/gmail/v1/users/me/profile`, {
        headers: { authorization: `Bearer ${res.body.auth.token}` },
      });
      expect(profile.status).toBe(200);
      expect((await list(alice))[0].lastUsedAt).toEqual(expect.any(String));

      const missing = await internal(connectionId, 'access', {
        ownerId: alice.user.id,
        requiredScopes: ['https://www.googleapis.com/auth/drive'],
      });
      expect(missing.status).toBe(409);
      expect(missing.body.error.code).toBe('connection_missing_scope');
    });

    it('loads calendars and labels through the connection', async () => {
      const calendars = await options(alice, connectionId, 'google.calendars');
      expect(calendars.status).toBe(200);
      expect(calendars.body.items).toEqual([
        { value: ALICE, label: expect.stringContaining('(primary)') },
      ]);
      const labels = await options(alice, connectionId, 'gmail.labels');
      expect(labels.status).toBe(200);
      expect(labels.body.items).toEqual(
        expect.arrayContaining([{ value: 'INBOX', label: 'INBOX' }]),
      );
      const wrong = await options(alice, connectionId, 'slack.channels');
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toEqual([{ path: 'source', message: expect.any(String) }]);
      const unknown = await options(alice, connectionId, 'nope');
      expect(unknown.status).toBe(400);
    });

    it('renews a token the provider expired early, once, and keeps working', async () => {
      const before = refreshRequests();
      google.expireAccessTokens(ALICE);
      const labels = await options(alice, connectionId, 'gmail.labels');
      expect(labels.status).toBe(200);
      expect(refreshRequests()).toBe(before + 1);
    });

    it('refreshes a token about to expire exactly once for 20 concurrent callers in two auth processes', async () => {
      const first = await internal(connectionId, 'access', { ownerId: alice.user.id });
      // The token now expires within the minute for both processes.
      auth.clock.offsetMs = first.body.expiresAt - Date.now() - 30_000;
      const logs: string[] = [];
      const other: AuthService = await compose(auth.config, {
        clock: auth.clock,
        logger: pino({ level: 'debug' }, { write: (l: string) => void logs.push(l) }),
      });
      const otherServer = await other.start();
      try {
        const before = refreshRequests();
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            fetch(
              `${i % 2 ? otherServer.url : auth.url}/internal/connections/${connectionId}/access`,
              {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${SERVICE_TOKEN}`,
                },
                body: JSON.stringify({ ownerId: alice.user.id }),
              },
            ).then(async (r) => ({
              status: r.status,
              body: (await r.json()) as { expiresAt: number; auth: { token: string } },
            })),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
        expect(refreshRequests()).toBe(before + 1);
        const tokens = new Set(answers.map((a) => a.body.auth.token));
        expect(tokens.size).toBe(1);
        expect(tokens.has(first.body.auth.token)).toBe(false);
        tokens.forEach((t) => secretsSeen.add(t));
        expect(answers[0].body.expiresAt).toBeGreaterThan(first.body.expiresAt);
        auth.logs.push(...logs);
      } finally {
        await other.stop();
        auth.clock.offsetMs = 0;
      }
    });

    it('honours Retry-After when the token endpoint answers 429, then refreshes', async () => {
      const current = await internal(connectionId, 'access', { ownerId: alice.user.id });
      google.forceFailure({ pathPrefix: '/token', status: 429, retryAfterSeconds: 7 });
      auth.clock.offsetMs = current.body.expiresAt - Date.now() + 1000; // expired by our clock
      try {
        const before = refreshRequests();
        const tokenCallsBefore = google.requests('/token').length;
        const limited = await internal(connectionId, 'access', { ownerId: alice.user.id });
        expect(limited.status).toBe(429);
        expect(limited.body.error.code).toBe('connection_rate_limited');
        expect(limited.headers.get('retry-after')).toBe('7');
        const again = await internal(connectionId, 'access', { ownerId: alice.user.id });
        expect(again.status).toBe(429);
        expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(7);
        expect(google.requests('/token').length - tokenCallsBefore).toBe(1); // only the refused one
        auth.clock.offsetMs += 8000;
        const after = await internal(connectionId, 'access', { ownerId: alice.user.id });
        expect(after.status).toBe(200);
        expect(refreshRequests()).toBe(before + 2);
      } finally {
        auth.clock.offsetMs = 0;
      }
    });

    it('marks the connection revoked when the refresh answers invalid_grant, and reconnecting keeps its id', async () => {
      const current = await internal(connectionId, 'access', { ownerId: alice.user.id });
      google.revokeAccount(ALICE);
      auth.clock.offsetMs = current.body.expiresAt - Date.now() + 1000;
      try {
        const refused = await internal(connectionId, 'access', { ownerId: alice.user.id });
        expect(refused.status).toBe(409);
        expect(refused.body.error.code).toBe('connection_revoked');
      } finally {
        auth.clock.offsetMs = 0;
      }
      const [shown] = await list(alice);
      expect(shown).toMatchObject({
        id: connectionId,
        status: 'revoked',
        statusReason: expect.stringContaining('invalid_grant'),
      });
      const events = await auth.query<{ type: string }>(
        "select type from auth.outbox where type = 'connection.revoked'",
      );
      expect(events).toHaveLength(1);
      const labels = await options(alice, connectionId, 'gmail.labels');
      expect(labels.status).toBe(409);
      expect(labels.body.error.code).toBe('connection_revoked');

      const createdEventsOf = async (id: string) =>
        (
          await auth.query(
            "select 1 from auth.outbox where type = 'connection.created' and envelope->'data'->>'connectionId' = $1",
            [id],
          )
        ).length;
      const createdBefore = await createdEventsOf(connectionId);
      const again = await connect(alice, { provider: 'google', reconnectId: connectionId });
      expect(again.connected).toBe(connectionId);
      const items = await list(alice);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        id: connectionId,
        status: 'healthy',
        statusReason: null,
        name: 'Work Gmail',
      });
      expect((await internal(connectionId, 'access', { ownerId: alice.user.id })).status).toBe(200);
      // Usable again under the same id: announced, so triggers paused on it resume.
      expect(await createdEventsOf(connectionId)).toBe(createdBefore + 1);
    });

    it('refuses an unknown, reused, foreign-browser, expired or denied state', async () => {
      expect(await callback('?state=made-up&code=x')).toEqual({
        connected: null,
        error: 'invalid_state',
      });
      expect(await callback('?code=x')).toEqual({ connected: null, error: 'invalid_state' });

      const once = await connect(alice, { provider: 'google' });
      expect(once.connected).toEqual(expect.any(String));
      expect(await callback(once.search, once.cookie)).toEqual({
        connected: null,
        error: 'invalid_state',
      });

      const otherBrowser = await connect(alice, { provider: 'google' }, { dropCookie: true });
      expect(otherBrowser).toMatchObject({ connected: null, error: 'invalid_state' });

      const late = await connect(
        alice,
        { provider: 'google' },
        { beforeCallback: () => (auth.clock.offsetMs = 11 * 60_000) },
      );
      auth.clock.offsetMs = 0;
      expect(late).toMatchObject({ connected: null, error: 'invalid_state' });

      const started = await call(auth.url, 'POST', '/connections/oauth/start', {
        token: alice.accessToken,
        body: { provider: 'google' },
      });
      const cookie = started.cookies.find((c) => c.startsWith('__Host-fg_oauth='))!.split(';')[0];
      expect(started.cookies.find((c) => c.startsWith('__Host-fg_oauth='))).toMatch(
        /HttpOnly.*Secure.*SameSite=Lax|SameSite=Lax.*Secure/i,
      );
      const state = new URL(started.body.authorizeUrl).searchParams.get('state')!;
      expect(
        await callback(`?state=${encodeURIComponent(state)}&error=access_denied`, cookie),
      ).toEqual({ connected: null, error: 'access_denied' });

      // Only the one that came back properly was created (plus the reconnected one above).
      await auth.query('delete from auth.connections where id = $1', [once.connected]);
    });

    it('disconnects: revokes the grant at Google, deletes the connection and announces it', async () => {
      const revokesBefore = google.requests('/revoke').length;
      const res = await call(auth.url, 'DELETE', `/connections/${connectionId}`, {
        token: alice.accessToken,
      });
      expect(res.status).toBe(204);
      expect(google.requests('/revoke').length).toBe(revokesBefore + 1);
      expect(await list(alice)).toEqual([]);
      expect((await internal(connectionId, 'access', { ownerId: alice.user.id })).status).toBe(404);
      const events = await auth.query<{ type: string }>(
        "select type from auth.outbox where type = 'connection.revoked'",
      );
      expect(events).toHaveLength(2);
    });
  });

  describe('Slack', () => {
    it('installs the bot (OAuth v2), lists channels through it and disconnects with auth.revoke', async () => {
      const done = await connect(alice, { provider: 'slack' });
      expect(done.authorizeUrl.searchParams.get('scope')).toContain('chat:write');
      const id = done.connected!;
      const [shown] = (await list(alice)).filter((c) => c.id === id);
      expect(shown).toMatchObject({
        provider: 'slack',
        account: expect.stringMatching(/\(T\w+\)$/),
        status: 'healthy',
      });
      expect(shown.name).toBe(shown.account);
      expect(shown.scopes).toEqual(expect.arrayContaining(['chat:write', 'channels:read']));

      const access = await internal(id, 'access', { ownerId: alice.user.id });
      expect(access.status).toBe(200);
      expect(access.body).toMatchObject({
        provider: 'slack',
        auth: { type: 'bearer', token: expect.stringMatching(/^xoxb-/) },
        expiresAt: null,
      });

      const channels = await options(alice, id, 'slack.channels');
      expect(channels.status).toBe(200);
      expect(channels.body.items).toEqual(
        expect.arrayContaining([
          { value: 'C0GENERAL', label: '#general' },
          { value: 'C0ALERTS', label: '#alerts' },
        ]),
      );

      expect(
        (await call(auth.url, 'DELETE', `/connections/${id}`, { token: alice.accessToken })).status,
      ).toBe(204);
      expect(slack.calls('auth.revoke')).toHaveLength(1);
      const afterRevoke = await fetch(`${slack.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access.body.auth.token}` },
      });
      expect(((await afterRevoke.json()) as { ok: boolean }).ok).toBe(false);
    });

    it('shows a connection revoked when Slack says token_revoked, and when a service reports it', async () => {
      const { connected: id } = await connect(alice, { provider: 'slack', name: 'Team' });
      const access = await internal(id!, 'access', { ownerId: alice.user.id });
      slack.revokeToken(access.body.auth.token);
      const channels = await options(alice, id!, 'slack.channels');
      expect(channels.status).toBe(409);
      expect(channels.body.error.code).toBe('connection_revoked');
      expect((await list(alice)).find((c) => c.id === id)).toMatchObject({
        status: 'revoked',
        statusReason: expect.stringContaining('token_revoked'),
      });

      const { connected: other } = await connect(alice, { provider: 'slack', name: 'Team 2' });
      const reported = await internal(other!, 'report', {
        ownerId: alice.user.id,
        status: 'expired',
        reason: 'slack answered token_expired',
      });
      expect(reported.status).toBe(204);
      const refused = await internal(other!, 'access', { ownerId: alice.user.id });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: 'connection_expired',
        message: expect.stringContaining('token_expired'),
      });
    });
  });

  describe('generic OAuth2 and credentials', () => {
    it('connects an OAuth2 authorization-code provider with user-supplied endpoints', async () => {
      const done = await connect(alice, {
        provider: 'oauth2_authorization_code',
        name: 'Custom API',
        authorizationUrl: `${google.url}/o/oauth2/v2/auth`,
        tokenUrl: `${google.url}/token`,
        clientId: GOOGLE.clientId,
        clientSecret: GOOGLE.clientSecret,
        scope: 'openid email',
      });
      expect(done.authorizeUrl.origin).toBe(new URL(google.url).origin);
      expect(done.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const id = done.connected!;
      const access = await internal(id, 'access', { ownerId: alice.user.id });
      expect(access.status).toBe(200);
      expect(access.body).toMatchObject({
        provider: 'oauth2_authorization_code',
        account: new URL(google.url).host,
        auth: { type: 'bearer' },
      });

      // No refresh token was granted (no offline access asked): once the token lapses, the
      // connection is expired (409) until the user reconnects, which reuses the stored client.
      auth.clock.offsetMs = access.body.expiresAt - Date.now() + 1000;
      try {
        const lapsed = await internal(id, 'access', { ownerId: alice.user.id });
        expect(lapsed.status).toBe(409);
        expect(lapsed.body.error.code).toBe('connection_expired');
      } finally {
        auth.clock.offsetMs = 0;
      }
      expect((await list(alice)).find((c) => c.id === id)).toMatchObject({ status: 'expired' });
      const again = await connect(alice, {
        provider: 'oauth2_authorization_code',
        reconnectId: id,
      });
      expect(again.authorizeUrl.searchParams.get('client_id')).toBe(GOOGLE.clientId);
      expect(again.connected).toBe(id);
      expect((await internal(id, 'access', { ownerId: alice.user.id })).status).toBe(200);
    });

    it('refuses an OAuth2 start without its endpoints, naming each missing field', async () => {
      const res = await call(auth.url, 'POST', '/connections/oauth/start', {
        token: alice.accessToken,
        body: { provider: 'oauth2_authorization_code' },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'authorizationUrl',
        'clientId',
        'clientSecret',
        'tokenUrl',
      ]);
    });

    it('stores typed-in credentials write-only and hands them to services', async () => {
      const created = await createCredential(alice, {
        provider: 'http_header',
        name: 'Weather API',
        headerName: 'X-Api-Key',
        value: 'typed-bearer-SECRET',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        provider: 'http_header',
        name: 'Weather API',
        account: null,
        status: 'healthy',
        statusReason: null,
        scopes: [],
        createdAt: expect.any(String),
        lastUsedAt: null,
      });
      const access = await internal(created.body.id, 'access', { ownerId: alice.user.id });
      expect(access.body.auth).toEqual({
        type: 'header',
        name: 'X-Api-Key',
        value: 'typed-bearer-SECRET',
      });
    });

    it.each([
      [{ provider: 'http_bearer', name: 'x' }, 'token'],
      [{ provider: 'http_header', name: 'x', headerName: 'bad header', value: 'v' }, 'headerName'],
      [{ provider: 'http_basic', name: '', username: 'u', password: 'p' }, 'name'],
      [
        {
          provider: 'oauth2_client_credentials',
          name: 'x',
          tokenUrl: 'ftp://example.com',
          clientId: 'c',
          clientSecret: 's',
        },
        'tokenUrl',
      ],
      [{ provider: 'carrier_pigeon', name: 'x' }, 'provider'],
    ])('answers 400 naming the field for %j and stores nothing', async (body, field) => {
      const before = (await list(alice)).length;
      const res = await createCredential(alice, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: field })]),
      );
      expect((await list(alice)).length).toBe(before);
    });

    it('checks client credentials when created, fetches a token at use and renews it when it expires', async () => {
      const refused = await createCredential(alice, {
        provider: 'oauth2_client_credentials',
        name: 'M2M',
        tokenUrl: tokenServer.url,
        clientId: 'cc-client',
        clientSecret: 'wrong-secret',
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 'provider_refused',
        details: [expect.objectContaining({ path: 'clientSecret' })],
      });

      const created = await createCredential(alice, {
        provider: 'oauth2_client_credentials',
        name: 'M2M',
        tokenUrl: tokenServer.url,
        clientId: 'cc-client',
        clientSecret: 'cc-secret-VALUE',
        scope: 'read',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        account: new URL(tokenServer.url).host,
        scopes: ['read'],
      });
      const first = await internal(created.body.id, 'access', { ownerId: alice.user.id });
      expect(first.body.auth).toEqual({ type: 'bearer', token: tokenServer.issued[0] });
      auth.clock.offsetMs = 3600_000;
      try {
        const renewed = await internal(created.body.id, 'access', { ownerId: alice.user.id });
        expect(renewed.body.auth).toEqual({ type: 'bearer', token: tokenServer.issued[1] });
      } finally {
        auth.clock.offsetMs = 0;
      }
    });
  });

  describe('ownership and access control', () => {
    let aliceConnection: string;

    beforeAll(async () => {
      const created = await createCredential(alice, {
        provider: 'http_bearer',
        name: 'Alice only',
        token: 'typed-bearer-SECRET',
      });
      aliceConnection = created.body.id;
    });

    it('answers 404 to another user for every use of a connection and changes nothing', async () => {
      expect(await list(bob)).toEqual([]);
      const del = await call(auth.url, 'DELETE', `/connections/${aliceConnection}`, {
        token: bob.accessToken,
      });
      expect(del.status).toBe(404);
      expect(del.body.error.code).toBe('connection_not_found');
      expect((await options(bob, aliceConnection, 'gmail.labels')).status).toBe(404);
      expect(
        (
          await call(auth.url, 'POST', '/connections/oauth/start', {
            token: bob.accessToken,
            body: { provider: 'google', reconnectId: aliceConnection },
          })
        ).status,
      ).toBe(404);
      expect((await internal(aliceConnection, 'access', { ownerId: bob.user.id })).status).toBe(
        404,
      );
      expect(
        (
          await internal(aliceConnection, 'report', {
            ownerId: bob.user.id,
            status: 'revoked',
            reason: 'x',
          })
        ).status,
      ).toBe(404);
      expect(
        (await call(auth.url, 'DELETE', '/connections/not-a-uuid', { token: bob.accessToken }))
          .status,
      ).toBe(404);
      expect((await list(alice)).find((c) => c.id === aliceConnection)).toMatchObject({
        status: 'healthy',
      });
    });

    it("works with the executor's client (httpConnectionAccess), errors mapped to its codes", async () => {
      const client = httpConnectionAccess({ authUrl: auth.url, serviceToken: SERVICE_TOKEN });
      const granted = await client.access(aliceConnection, alice.user.id);
      expect(granted.auth).toEqual({ type: 'bearer', token: 'typed-bearer-SECRET' });
      const notFound = await client.access(aliceConnection, bob.user.id).catch((e: unknown) => e);
      expect(notFound).toBeInstanceOf(ConnectionAccessError);
      expect(notFound).toMatchObject({ code: 'connection_not_found', retryable: false });
      const unauthorised = await httpConnectionAccess({ authUrl: auth.url, serviceToken: 'guess' })
        .access(aliceConnection, alice.user.id)
        .catch((e: unknown) => e);
      expect(unauthorised).toMatchObject({ code: 'connection_unavailable' });

      const { body } = await createCredential(alice, {
        provider: 'http_query',
        name: 'Reported',
        parameter: 'key',
        value: 'typed-bearer-SECRET',
      });
      await client.report(body.id, alice.user.id, 'revoked', 'the API answered 401 invalid key');
      expect(await client.access(body.id, alice.user.id).catch((e: unknown) => e)).toMatchObject({
        code: 'connection_revoked',
      });
      const events = await auth.query<{ envelope: { data: { connectionId: string } } }>(
        "select envelope from auth.outbox where type = 'connection.revoked'",
      );
      expect(events.map((e) => e.envelope.data.connectionId)).toContain(body.id);
    });

    it('checks connections for the catalog without a secret, foreign ones as not_found', async () => {
      const check = (body: unknown, token: string | null = SERVICE_TOKEN) =>
        fetch(`${auth.url}/internal/connections/check`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, text: await res.text() }));
      const items = [
        { connectionId: aliceConnection, providers: ['http_bearer'] },
        { connectionId: aliceConnection, providers: ['google'], scopes: [GMAIL_SEND] },
        { connectionId: 'not-a-uuid', providers: ['google'] },
      ];
      const mine = await check({ ownerId: alice.user.id, items });
      expect(mine.status).toBe(200);
      expect(JSON.parse(mine.text)).toEqual({
        items: [
          { connectionId: aliceConnection, result: 'ok', provider: 'http_bearer' },
          { connectionId: aliceConnection, result: 'wrong_provider', provider: 'http_bearer' },
          { connectionId: 'not-a-uuid', result: 'not_found' },
        ],
      });
      expect(mine.text).not.toContain('typed-bearer-SECRET');
      const bobs = await check({ ownerId: bob.user.id, items: items.slice(0, 1) });
      expect(JSON.parse(bobs.text)).toEqual({
        items: [{ connectionId: aliceConnection, result: 'not_found' }],
      });
      for (const token of [null, 'wrong', alice.accessToken])
        expect((await check({ ownerId: alice.user.id, items }, token)).status).toBe(401);
      expect((await check({ ownerId: alice.user.id, items: [{ connectionId: 'x' }] })).status).toBe(
        400,
      );
    });

    it('refuses the internal endpoints without the service token (401)', async () => {
      for (const token of [null, '', 'wrong', alice.accessToken, `${SERVICE_TOKEN}x`]) {
        const res = await internal(aliceConnection, 'access', { ownerId: alice.user.id }, token);
        expect(res.status).toBe(401);
      }
      expect(
        (
          await internal(
            aliceConnection,
            'report',
            { ownerId: alice.user.id, status: 'revoked', reason: 'x' },
            null,
          )
        ).status,
      ).toBe(401);
      expect((await internal(aliceConnection, 'access', { ownerId: 'nope' })).status).toBe(400);
    });

    it('needs connections:read / connections:write scopes and a token', async () => {
      expect((await call(auth.url, 'GET', '/connections')).status).toBe(401);
      const key = await call(auth.url, 'POST', '/auth/api-keys', {
        token: alice.accessToken,
        body: { name: 'ro', scopes: ['connections:read'] },
      });
      const exchanged = await call(auth.url, 'POST', '/auth/token', {
        body: { apiKey: key.body.key },
      });
      const readOnly = exchanged.body.accessToken as string;
      expect((await call(auth.url, 'GET', '/connections', { token: readOnly })).status).toBe(200);
      const write = await call(auth.url, 'POST', '/connections', {
        token: readOnly,
        body: { provider: 'http_bearer', name: 'x', token: 'y' },
      });
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('insufficient_scope');
    });
  });

  it('never writes a token or secret to a log line, an answer or an event', async () => {
    collectProviderSecrets();
    const everything = [
      ...auth.logs,
      JSON.stringify(await list(alice)),
      JSON.stringify(await auth.query('select envelope from auth.outbox')),
      JSON.stringify(
        await auth.query('select id, name, account, scopes, status_reason from auth.connections'),
      ),
    ].join('\n');
    expect(secretsSeen.size).toBeGreaterThan(10);
    const leaked = [...secretsSeen].filter((s) => everything.includes(s));
    expect(leaked).toEqual([]);
    expect(auth.logs.join('\n')).toContain('connection token refreshed');
  });
});

describe('connections without provider configuration', () => {
  let auth: TestAuth;
  beforeAll(async () => {
    auth = await startAuth('connections-unconfigured');
  });
  afterAll(async () => auth?.stop());

  it('answers 409 provider_not_configured naming the variables to set', async () => {
    const user = await signUp(auth.url, anEmail('carol'));
    for (const [provider, variable] of [
      ['google', 'GOOGLE_CLIENT_ID'],
      ['slack', 'SLACK_CLIENT_SECRET'],
    ]) {
      const res = await call(auth.url, 'POST', '/connections/oauth/start', {
        token: user.accessToken,
        body: { provider },
      });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('provider_not_configured');
      expect(res.body.error.message).toContain(variable);
    }
  });

  it.each([
    'http://127.0.0.1:9/oauth/token',
    'http://169.254.169.254/latest/token',
    'http://10.1.2.3/token',
  ])(
    'refuses a token URL on a non-public address (%s) with 400 and stores nothing',
    async (tokenUrl) => {
      const user = await signUp(auth.url, anEmail('dave'));
      const res = await call(auth.url, 'POST', '/connections', {
        token: user.accessToken,
        body: {
          provider: 'oauth2_client_credentials',
          name: 'Internal',
          tokenUrl,
          clientId: 'c',
          clientSecret: 's',
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'endpoint_not_allowed',
        details: [{ path: 'tokenUrl', message: expect.stringContaining('not allowed') }],
      });
      expect(
        (await call(auth.url, 'GET', '/connections', { token: user.accessToken })).body.items,
      ).toEqual([]);
    },
  );

  it('creates the internal service token file (0600) and requires it', async () => {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    const file = path.join(auth.config.DATA_DIR, 'internal.token');
    const stat = await fs.stat(file);
    expect(stat.mode & 0o777).toBe(0o600);
    const token = (await fs.readFile(file, 'utf8')).trim();
    const id = '00000000-0000-4000-8000-000000000000';
    const body = JSON.stringify({ ownerId: id });
    const post = (auth_: string) =>
      fetch(`${auth.url}/internal/connections/${id}/access`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth_ },
        body,
      });
    expect((await post('Bearer nope')).status).toBe(401);
    expect((await post(`Bearer ${token}`)).status).toBe(404);
  });
});
