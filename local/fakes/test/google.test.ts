import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
// The per-API entry points of googleapis: loading the whole package costs seconds.
import { calendar as calendarApi } from 'googleapis/build/src/apis/calendar';
import { gmail as gmailApi } from 'googleapis/build/src/apis/gmail';
import { startFakeGoogle, type FakeGoogle } from '../src';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CLIENT = {
  clientId: 'flowgenie-test.apps.googleusercontent.com',
  clientSecret: 'test-client-secret',
  redirectUris: ['http://127.0.0.1:9/callback'],
};
const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
const CALENDAR_EVENTS = 'https://www.googleapis.com/auth/calendar.events';

let fake: FakeGoogle;

beforeAll(async () => {
  fake = await startFakeGoogle({
    accounts: [
      { email: ALICE, name: 'Alice Example' },
      { email: BOB, name: 'Bob Example', emailVerified: false },
    ],
    clients: [CLIENT],
  });
});
afterAll(() => fake.close());

// gaxios loads node-fetch with a dynamic import, which jest's CommonJS sandbox refuses:
// hand it Node's own fetch (the real integration code can do the same).
const transporterOptions = { fetchImplementation: fetch };

function oauthClient(): OAuth2Client {
  return new OAuth2Client({
    transporterOptions,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    redirectUri: CLIENT.redirectUris[0],
    issuers: [fake.url],
    endpoints: {
      oauth2AuthBaseUrl: `${fake.url}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${fake.url}/token`,
      oauth2RevokeUrl: `${fake.url}/revoke`,
      tokenInfoUrl: `${fake.url}/tokeninfo`,
      oauth2FederatedSignonPemCertsUrl: `${fake.url}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${fake.url}/oauth2/v3/certs`,
    },
  });
}

function tokenAuth(accessToken: string): OAuth2Client {
  const auth = new OAuth2Client({ transporterOptions });
  auth.setCredentials({ access_token: accessToken });
  return auth;
}

function gmailFor(auth: OAuth2Client, retry = true) {
  return gmailApi({
    version: 'v1',
    auth,
    rootUrl: `${fake.url}/`,
    retry,
    fetchImplementation: fetch,
  });
}

/** Walks the consent page like a user: pick the account, press Allow; returns the redirect. */
async function consent(authUrl: string, account: string, decision = 'allow'): Promise<URL> {
  const page = await fetch(authUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(account);
  const requestId = /name="request" value="([^"]+)"/.exec(html)![1];
  const action = /action="([^"]+)"/.exec(html)![1];
  const answer = await fetch(action, {
    method: 'POST',
    body: new URLSearchParams({ request: requestId, account, decision }),
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!);
}

describe('OAuth 2.0 and OpenID Connect', () => {
  it('signs a user in with PKCE through the consent page and verifies the id_token', async () => {
    const client = oauthClient();
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const url = client.generateAuthUrl({
      access_type: 'offline',
      scope: ['openid', 'email', 'profile'],
      state: 'state-123',
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      nonce: 'nonce-1',
    });
    const redirect = await consent(url, BOB);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(CLIENT.redirectUris[0]);
    expect(redirect.searchParams.get('state')).toBe('state-123');
    const code = redirect.searchParams.get('code')!;

    await expect(client.getToken({ code, codeVerifier: `${codeVerifier}x` })).rejects.toThrow(
      /invalid_grant/,
    );
    // A failed exchange burned the code, as on Google: start again.
    const again = await consent(url, BOB);
    const { tokens } = await client.getToken({
      code: again.searchParams.get('code')!,
      codeVerifier,
    });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope!.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
    ]);

    const ticket = await client.verifyIdToken({
      idToken: tokens.id_token!,
      audience: CLIENT.clientId,
    });
    expect(ticket.getPayload()).toMatchObject({
      iss: fake.url,
      aud: CLIENT.clientId,
      email: BOB,
      email_verified: false,
      name: 'Bob Example',
      nonce: 'nonce-1',
    });

    const discovery = (await (
      await fetch(`${fake.url}/.well-known/openid-configuration`)
    ).json()) as { userinfo_endpoint: string };
    const userinfo = await fetch(discovery.userinfo_endpoint, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({
      sub: ticket.getUserId(),
      email: BOB,
      email_verified: false,
      name: 'Bob Example',
    });
    const v2 = await fetch(`${fake.url}/oauth2/v2/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await v2.json()).toMatchObject({
      id: ticket.getUserId(),
      email: BOB,
      verified_email: false,
    });
  });

  it('refuses a code without its PKCE verifier, a reused code and a wrong client secret', async () => {
    const client = oauthClient();
    const { codeChallenge } = await client.generateCodeVerifierAsync();
    fake.setAutoApprove(ALICE);
    try {
      const url = client.generateAuthUrl({
        scope: ['openid', 'email'],
        code_challenge: codeChallenge,
        code_challenge_method: CodeChallengeMethod.S256,
      });
      const redirect = await fetch(url, { redirect: 'manual' });
      const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
      await expect(client.getToken({ code })).rejects.toThrow(/invalid_grant/);

      const plain = await fetch(client.generateAuthUrl({ scope: ['openid'] }), {
        redirect: 'manual',
      });
      const plainCode = new URL(plain.headers.get('location')!).searchParams.get('code')!;
      const wrongSecret = new OAuth2Client({
        transporterOptions,
        clientId: CLIENT.clientId,
        clientSecret: 'nope',
        redirectUri: CLIENT.redirectUris[0],
        endpoints: { oauth2TokenUrl: `${fake.url}/token` },
      });
      await expect(wrongSecret.getToken(plainCode)).rejects.toThrow(/invalid_client|Unauthorized/);
      const { tokens } = await client.getToken(plainCode);
      expect(tokens.refresh_token).toBeUndefined(); // online access: no refresh token
      await expect(client.getToken(plainCode)).rejects.toThrow(/invalid_grant/);
    } finally {
      fake.setAutoApprove(undefined);
    }
  });

  it('shows an error page for an unregistered redirect URI and redirects access_denied on Cancel', async () => {
    const bad = await fetch(
      `${fake.url}/o/oauth2/v2/auth?client_id=${CLIENT.clientId}&redirect_uri=https://evil.example/cb&response_type=code&scope=openid`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('redirect_uri_mismatch');
    const redirect = await consent(
      oauthClient().generateAuthUrl({ scope: ['openid'], state: 's' }),
      ALICE,
      'deny',
    );
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    expect(redirect.searchParams.get('state')).toBe('s');
  });

  it('refreshes an expired access token on its own, and stops after revocation', async () => {
    const client = oauthClient();
    const issued = fake.issueToken({
      email: ALICE,
      scopes: [GMAIL_READ],
      clientId: CLIENT.clientId,
    });
    // Stored tokens without an expiry: the client refreshes when the API answers 401.
    client.setCredentials({ access_token: issued.accessToken, refresh_token: issued.refreshToken });
    const gmail = gmailFor(client);
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(ALICE);

    fake.clearRequests();
    fake.expireAccessTokens(ALICE);
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(ALICE);
    expect(
      fake.requests('/token').map((r) => (r.body as { grant_type: string }).grant_type),
    ).toEqual(['refresh_token']);
    expect(client.credentials.access_token).not.toBe(issued.accessToken);
    const info = await client.getTokenInfo(client.credentials.access_token!);
    expect(info.scopes).toEqual([GMAIL_READ]);

    await client.revokeToken(issued.refreshToken!);
    await expect(client.refreshAccessToken()).rejects.toThrow(/invalid_grant/);
    await expect(
      gmailFor(tokenAuth(client.credentials.access_token!)).users.getProfile({ userId: 'me' }),
    ).rejects.toMatchObject({ status: 401 });
  });
});

describe('Gmail API v1', () => {
  it('sends a message, finds it with a query, reads it in each format and delivers it to a seeded recipient', async () => {
    const alice = gmailFor(
      tokenAuth(fake.issueToken({ email: ALICE, scopes: [GMAIL_SEND, GMAIL_READ] }).accessToken),
    );
    const bob = gmailFor(
      tokenAuth(fake.issueToken({ email: BOB, scopes: [GMAIL_READ] }).accessToken),
    );
    const bobStart = (await bob.users.getProfile({ userId: 'me' })).data.historyId!;

    const raw = [
      `From: Alice Example <${ALICE}>`,
      `To: "Example, Bob" <${BOB}>`,
      'Cc: carol@example.org',
      'Bcc: dave@example.org',
      `Subject: =?UTF-8?B?${Buffer.from('Quarterly report ✓').toString('base64')}?=`,
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Hi Bob, the numbers are in.',
    ].join('\r\n');
    const sent = await alice.users.messages.send({
      userId: 'me',
      requestBody: { raw: Buffer.from(raw).toString('base64url') },
    });
    expect(sent.data.labelIds).toEqual(['SENT']);

    const found = await alice.users.messages.list({
      userId: 'me',
      q: 'in:sent subject:"quarterly report" numbers to:bob',
    });
    expect(found.data.messages).toEqual([{ id: sent.data.id, threadId: sent.data.threadId }]);
    expect(
      (await alice.users.messages.list({ userId: 'me', q: 'from:someone-else' })).data,
    ).toEqual({ resultSizeEstimate: 0 });

    const full = await alice.users.messages.get({ userId: 'me', id: sent.data.id! });
    const headers = Object.fromEntries(full.data.payload!.headers!.map((h) => [h.name, h.value]));
    expect(headers.Subject).toBe('Quarterly report ✓');
    expect(headers['Message-ID']).toMatch(/^<.+@mail\.gmail\.com>$/);
    expect(full.data.snippet).toBe('Hi Bob, the numbers are in.');
    expect(Buffer.from(full.data.payload!.body!.data!, 'base64url').toString()).toBe(
      'Hi Bob, the numbers are in.',
    );
    expect(Number(full.data.internalDate)).toBeGreaterThan(Date.now() - 60_000);

    const metadata = await alice.users.messages.get({
      userId: 'me',
      id: sent.data.id!,
      format: 'metadata',
      metadataHeaders: ['Subject', 'To'],
    });
    expect(metadata.data.payload!.headers!.map((h) => h.name)).toEqual(['To', 'Subject']);
    const asRaw = await alice.users.messages.get({
      userId: 'me',
      id: sent.data.id!,
      format: 'raw',
    });
    expect(Buffer.from(asRaw.data.raw!, 'base64url').toString()).toContain('Bcc: dave@example.org');

    const history = await bob.users.history.list({
      userId: 'me',
      startHistoryId: bobStart,
      historyTypes: ['messageAdded'],
      labelId: 'INBOX',
    });
    const added = history.data.history!.flatMap((h) => h.messagesAdded!.map((a) => a.message!));
    expect(added).toHaveLength(1);
    expect(added[0].labelIds).toEqual(expect.arrayContaining(['INBOX', 'UNREAD']));
    expect(Number(history.data.historyId)).toBeGreaterThan(Number(bobStart));
    const received = await bob.users.messages.get({
      userId: 'me',
      id: added[0].id!,
      format: 'raw',
    });
    expect(Buffer.from(received.data.raw!, 'base64url').toString()).not.toContain(
      'dave@example.org',
    );
  });

  it('reports incoming mail through history and pages through list results', async () => {
    const auth = tokenAuth(fake.issueToken({ email: BOB, scopes: [GMAIL_READ] }).accessToken);
    const gmail = gmailFor(auth);
    const start = (await gmail.users.getProfile({ userId: 'me' })).data.historyId!;
    const first = fake.deliverEmail(BOB, {
      from: 'Shop <orders@shop.example>',
      subject: 'Order 1',
      text: 'Thanks for order one',
    });
    const second = fake.deliverEmail(BOB, {
      from: 'Shop <orders@shop.example>',
      subject: 'Order 2',
      html: '<p>Order <b>two</b></p>',
    });

    const history = await gmail.users.history.list({ userId: 'me', startHistoryId: start });
    expect(history.data.history!.map((h) => h.messagesAdded![0].message!.id)).toEqual([
      first.id,
      second.id,
    ]);
    expect(history.data.historyId).toBe(second.historyId);
    expect(
      (await gmail.users.history.list({ userId: 'me', startHistoryId: second.historyId })).data
        .history,
    ).toBeUndefined();

    const page1 = await gmail.users.messages.list({
      userId: 'me',
      q: 'from:orders@shop.example',
      maxResults: 1,
    });
    expect(page1.data.messages!.map((m) => m.id)).toEqual([second.id]);
    const page2 = await gmail.users.messages.list({
      userId: 'me',
      q: 'from:orders@shop.example',
      maxResults: 1,
      pageToken: page1.data.nextPageToken!,
    });
    expect(page2.data.messages!.map((m) => m.id)).toEqual([first.id]);
    expect(page2.data.nextPageToken).toBeUndefined();
    expect(
      (
        await gmail.users.messages.list({ userId: 'me', labelIds: ['INBOX', 'UNREAD'], q: 'two' })
      ).data.messages!.map((m) => m.id),
    ).toEqual([second.id]);
    expect((await gmail.users.messages.get({ userId: 'me', id: second.id })).data.snippet).toBe(
      'Order two',
    );

    fake.expireGmailHistory(BOB);
    await expect(
      gmail.users.history.list({ userId: 'me', startHistoryId: start }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('answers 401 and 403 with Google error bodies', async () => {
    const noToken = await fetch(`${fake.url}/gmail/v1/users/me/profile`);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: object }).error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
    });

    const sendOnly = gmailFor(
      tokenAuth(fake.issueToken({ email: ALICE, scopes: [GMAIL_SEND] }).accessToken),
    );
    const error = await sendOnly.users.messages.list({ userId: 'me' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      response: { data: { error: { errors: [{ reason: 'insufficientPermissions' }] } } },
    });

    const token = fake.issueToken({ email: ALICE, scopes: [GMAIL_READ] }).accessToken;
    fake.revokeToken(token);
    await expect(
      gmailFor(tokenAuth(token)).users.labels.list({ userId: 'me' }),
    ).rejects.toMatchObject({ status: 401 });
  });

  it('forces a 429 with Retry-After that googleapis retries, or surfaces when retries are off', async () => {
    const auth = tokenAuth(fake.issueToken({ email: ALICE, scopes: [GMAIL_READ] }).accessToken);
    fake.clearRequests();
    fake.forceFailure({ pathPrefix: '/gmail/v1/users/me/labels', retryAfterSeconds: 2 });
    const labels = await gmailFor(auth).users.labels.list({ userId: 'me' });
    expect(labels.data.labels!.map((l) => l.id)).toContain('INBOX');
    expect(fake.requests('/gmail/v1/users/me/labels').map((r) => r.status)).toEqual([429, 200]);

    fake.forceFailure({ pathPrefix: '/gmail/v1/users/me/labels', retryAfterSeconds: 2 });
    const error = await gmailFor(auth, false)
      .users.labels.list({ userId: 'me' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 429,
      response: { data: { error: { errors: [{ reason: 'rateLimitExceeded' }] } } },
    });
    expect((error as { response: { headers: Headers } }).response.headers.get('retry-after')).toBe(
      '2',
    );
  });
});

describe('Calendar API v3', () => {
  it('inserts with a client-chosen id once (409 the second time) and syncs changes incrementally', async () => {
    const calendar = calendarApi({
      version: 'v3',
      auth: tokenAuth(
        fake.issueToken({
          email: ALICE,
          scopes: [CALENDAR_EVENTS, 'https://www.googleapis.com/auth/calendar.readonly'],
        }).accessToken,
      ),
      rootUrl: `${fake.url}/`,
      fetchImplementation: fetch,
    });
    const list = await calendar.calendarList.list();
    expect(list.data.items).toEqual([
      expect.objectContaining({ id: ALICE, primary: true, accessRole: 'owner' }),
    ]);

    const meeting = {
      id: 'fg0run0123step1',
      summary: 'Planning',
      start: { dateTime: '2030-01-10T09:00:00+01:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2030-01-10T10:00:00+01:00', timeZone: 'Europe/Berlin' },
      attendees: [{ email: BOB }],
    };
    const created = await calendar.events.insert({ calendarId: 'primary', requestBody: meeting });
    expect(created.data).toMatchObject({
      id: meeting.id,
      status: 'confirmed',
      attendees: [{ email: BOB, responseStatus: 'needsAction' }],
    });
    expect((await fetch(created.data.htmlLink!)).status).toBe(200);
    const duplicate = await calendar.events
      .insert({ calendarId: 'primary', requestBody: meeting })
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({
      status: 409,
      response: { data: { error: { errors: [{ reason: 'duplicate' }] } } },
    });
    expect(fake.calendarEvents(ALICE)).toHaveLength(1);

    await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Holiday',
        start: { date: '2030-01-09' },
        end: { date: '2030-01-10' },
      },
    });
    const full = await calendar.events.list({
      calendarId: 'primary',
      timeMin: '2030-01-01T00:00:00Z',
      timeMax: '2030-02-01T00:00:00Z',
      singleEvents: true,
      orderBy: 'startTime',
    });
    expect(full.data.items!.map((e) => e.summary)).toEqual(['Holiday', 'Planning']);
    const syncToken = (await calendar.events.list({ calendarId: 'primary' })).data.nextSyncToken!;
    expect(syncToken).toBeTruthy();

    await calendar.events.patch({
      calendarId: 'primary',
      eventId: meeting.id,
      requestBody: { summary: 'Planning (moved)' },
    });
    const added = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Retro',
        start: { dateTime: '2030-01-11T09:00:00Z' },
        end: { dateTime: '2030-01-11T09:30:00Z' },
      },
    });
    await calendar.events.delete({ calendarId: 'primary', eventId: added.data.id! });
    const changes = await calendar.events.list({ calendarId: 'primary', syncToken });
    expect(changes.data.items!.map((e) => [e.summary, e.status])).toEqual([
      ['Planning (moved)', 'confirmed'],
      ['Retro', 'cancelled'],
    ]);
    const nothing = await calendar.events.list({
      calendarId: 'primary',
      syncToken: changes.data.nextSyncToken!,
    });
    expect(nothing.data.items).toEqual([]);

    await expect(
      calendar.events.list({ calendarId: 'primary', syncToken: 'garbage' }),
    ).rejects.toMatchObject({ status: 410 });
    fake.invalidateSyncTokens();
    await expect(
      calendar.events.list({ calendarId: 'primary', syncToken: changes.data.nextSyncToken! }),
    ).rejects.toMatchObject({ status: 410 });
  });

  it('pages a listing and refuses bad events and calendars', async () => {
    const calendar = calendarApi({
      version: 'v3',
      auth: tokenAuth(fake.issueToken({ email: BOB, scopes: [CALENDAR_EVENTS] }).accessToken),
      rootUrl: `${fake.url}/`,
      fetchImplementation: fetch,
    });
    for (const n of [1, 2, 3])
      await calendar.events.insert({
        calendarId: BOB,
        requestBody: {
          summary: `E${n}`,
          start: { dateTime: `2030-03-0${n}T09:00:00Z` },
          end: { dateTime: `2030-03-0${n}T10:00:00Z` },
        },
      });
    const first = await calendar.events.list({ calendarId: 'primary', maxResults: 2 });
    expect(first.data.items).toHaveLength(2);
    expect(first.data.nextSyncToken).toBeUndefined();
    const second = await calendar.events.list({
      calendarId: 'primary',
      maxResults: 2,
      pageToken: first.data.nextPageToken!,
    });
    expect(second.data.items!.map((e) => e.summary)).toEqual(['E3']);
    expect(second.data.nextSyncToken).toBeTruthy();

    await expect(
      calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          id: 'Not_Valid!',
          start: { date: '2030-01-01' },
          end: { date: '2030-01-02' },
        },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          start: { dateTime: '2030-01-02T10:00:00Z' },
          end: { dateTime: '2030-01-02T09:00:00Z' },
        },
      }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(calendar.events.list({ calendarId: ALICE })).rejects.toMatchObject({
      status: 404,
    });
    // calendar.events does not cover the calendar list.
    await expect(calendar.calendarList.list()).rejects.toMatchObject({ status: 403 });
  });
});

describe('control API over HTTP', () => {
  it('issues tokens and delivers mail for tools in another process, and refuses bad input', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${fake.url}/__fake${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post('/tokens', { email: ALICE });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'scopes is required' });
    expect(
      (await post('/gmail/deliver', { email: 'nobody@example.com', subject: 'x' })).status,
    ).toBe(400);

    const { accessToken } = (await (
      await post('/tokens', { email: ALICE, scopes: [GMAIL_READ] })
    ).json()) as { accessToken: string };
    const delivered = (await (
      await post('/gmail/deliver', {
        email: ALICE,
        from: 'ci@example.org',
        subject: 'Nightly build',
        text: 'green',
      })
    ).json()) as { id: string };
    const found = await gmailFor(tokenAuth(accessToken)).users.messages.list({
      userId: 'me',
      q: 'from:ci@example.org subject:nightly',
    });
    expect(found.data.messages!.map((m) => m.id)).toEqual([delivered.id]);
  });
});
