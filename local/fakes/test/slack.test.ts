import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, LogLevel, retryPolicies, WebClient } from '@slack/web-api';
import { startFakeSlack, type FakeSlack } from '../src';

const APP = {
  clientId: '1111.2222',
  clientSecret: 'slack-client-secret',
  signingSecret: 'slack-signing-secret',
  redirectUris: ['http://127.0.0.1:9/slack/callback'],
  appId: 'A0FLOWGENIE',
  botUserId: 'U0BOT',
};
const BOT_SCOPES = ['chat:write', 'channels:read', 'channels:history'];

let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({
    apps: [APP],
    users: [{ id: 'U0ALICE', name: 'alice', realName: 'Alice Example' }],
    channels: [
      { id: 'C0GENERAL', name: 'general' },
      { id: 'C0ALERTS', name: 'alerts' },
      { id: 'C0RANDOM', name: 'random', botIsMember: false },
      { id: 'G0SECRET', name: 'secret', isPrivate: true },
      { id: 'C0OLD', name: 'old', isArchived: true },
    ],
  });
});
afterAll(() => fake.close());

function client(token?: string, opts: ConstructorParameters<typeof WebClient>[1] = {}) {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: retryPolicies.rapidRetryPolicy,
    logLevel: LogLevel.ERROR,
    ...opts,
  });
}

/** The SDK's error for `{ ok: false, error }`. */
async function slackError(call: Promise<unknown>): Promise<string> {
  const err = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; data?: { error?: string } } | undefined;
  expect(err?.code).toBe(ErrorCode.PlatformError);
  return err!.data!.error!;
}

describe('OAuth v2 install', () => {
  it('installs the app through the consent page and exchanges the code for a bot token', async () => {
    const authorize = `${fake.url}/oauth/v2/authorize?client_id=${APP.clientId}&scope=${BOT_SCOPES.join(',')}&user_scope=search:read&redirect_uri=${encodeURIComponent(APP.redirectUris[0])}&state=st-1`;
    const page = await fetch(authorize);
    const html = await page.text();
    expect(html).toContain('Alice Example');
    const answer = await fetch(/action="([^"]+)"/.exec(html)![1], {
      method: 'POST',
      body: new URLSearchParams({
        request: /name="request" value="([^"]+)"/.exec(html)![1],
        account: 'U0ALICE',
        decision: 'allow',
      }),
      redirect: 'manual',
    });
    const redirect = new URL(answer.headers.get('location')!);
    expect(redirect.searchParams.get('state')).toBe('st-1');
    const code = redirect.searchParams.get('code')!;

    const access = {
      client_id: APP.clientId,
      client_secret: APP.clientSecret,
      code,
      redirect_uri: APP.redirectUris[0],
    };
    expect(await slackError(client().oauth.v2.access({ ...access, client_secret: 'wrong' }))).toBe(
      'bad_client_secret',
    );
    const installed = await client().oauth.v2.access(access);
    expect(installed).toMatchObject({
      ok: true,
      token_type: 'bot',
      scope: BOT_SCOPES.join(','),
      bot_user_id: APP.botUserId,
      app_id: APP.appId,
      team: { id: fake.team.id, name: fake.team.name },
      authed_user: { id: 'U0ALICE', scope: 'search:read', token_type: 'user' },
    });
    expect(installed.access_token).toMatch(/^xoxb-/);
    expect(installed.authed_user!.access_token).toMatch(/^xoxp-/);
    expect(await slackError(client().oauth.v2.access(access))).toBe('invalid_code');

    const whoami = await client(installed.access_token).auth.test();
    expect(whoami).toMatchObject({
      team_id: fake.team.id,
      user_id: APP.botUserId,
      bot_id: expect.any(String),
    });
  });

  it('redirects access_denied on Cancel and approves non-interactively for tests', async () => {
    const base = `${fake.url}/oauth/v2/authorize?client_id=${APP.clientId}&scope=chat:write&state=s2`;
    const html = await (await fetch(base)).text();
    const denied = await fetch(/action="([^"]+)"/.exec(html)![1], {
      method: 'POST',
      body: new URLSearchParams({
        request: /name="request" value="([^"]+)"/.exec(html)![1],
        decision: 'deny',
      }),
      redirect: 'manual',
    });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe(
      'access_denied',
    );
    const auto = await fetch(`${base}&fake_auto_approve=1`, { redirect: 'manual' });
    expect(new URL(auto.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect((await fetch(`${base}&redirect_uri=https://evil.example/cb`)).status).toBe(400);
  });
});

describe('Web API', () => {
  it('posts messages with blocks, metadata and threads, then reads them back', async () => {
    const slack = client(fake.issueToken({ scopes: BOT_SCOPES }));
    const metadata = {
      event_type: 'flowgenie_step',
      event_payload: { execution_id: 'ex-1', node_id: 'post' },
    };
    const posted = await slack.chat.postMessage({
      channel: '#alerts',
      text: 'Build failed',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Build failed*' } }],
      metadata,
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: 'C0ALERTS',
      message: { text: 'Build failed', bot_id: expect.any(String) },
    });
    const reply = await slack.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'Retrying',
      thread_ts: posted.ts!,
    });
    expect(Number(reply.ts)).toBeGreaterThan(Number(posted.ts));

    const history = await slack.conversations.history({ channel: 'C0ALERTS' });
    expect(history.messages).toEqual([
      expect.objectContaining({
        ts: posted.ts,
        text: 'Build failed',
        metadata,
        reply_count: 1,
        blocks: [expect.objectContaining({ type: 'section' })],
      }),
    ]);
    const thread = await slack.conversations.replies({ channel: 'C0ALERTS', ts: posted.ts! });
    expect(thread.messages!.map((m) => m.text)).toEqual(['Build failed', 'Retrying']);

    const link = await slack.chat.getPermalink({ channel: 'C0ALERTS', message_ts: reply.ts! });
    expect(link.permalink).toBe(
      `${fake.url}/archives/C0ALERTS/p${reply.ts!.replace('.', '')}?thread_ts=${posted.ts}&cid=C0ALERTS`,
    );
    expect((await fetch(link.permalink!)).status).toBe(200);
    expect(fake.messages('alerts').map((m) => m.text)).toEqual(['Build failed', 'Retrying']);
    expect(fake.calls('chat.postMessage')[0].args).toMatchObject({
      channel: '#alerts',
      metadata: JSON.stringify(metadata),
    });
  });

  it('pages conversations.list with cursors and checks scopes and channel access', async () => {
    const slack = client(fake.issueToken({ scopes: BOT_SCOPES }));
    const names: string[] = [];
    for await (const page of slack.paginate('conversations.list', {
      limit: 2,
      exclude_archived: true,
    })) {
      const channels = (page as unknown as { channels: { name: string }[] }).channels;
      expect(channels.length).toBeLessThanOrEqual(2);
      names.push(...channels.map((c) => c.name));
    }
    expect(names).toEqual(['general', 'alerts', 'random']);
    expect(
      await slackError(slack.conversations.list({ types: 'public_channel,private_channel' })),
    ).toBe('missing_scope');
    const withGroups = client(fake.issueToken({ scopes: [...BOT_SCOPES, 'groups:read'] }));
    expect(
      (await withGroups.conversations.list({ types: 'private_channel' })).channels!.map(
        (c) => c.id,
      ),
    ).toEqual(['G0SECRET']);

    expect(await slackError(slack.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await slackError(slack.chat.postMessage({ channel: 'C0RANDOM', text: 'x' }))).toBe(
      'not_in_channel',
    );
    expect(await slackError(slack.chat.postMessage({ channel: 'C0OLD', text: 'x' }))).toBe(
      'is_archived',
    );
    expect(await slackError(slack.chat.postMessage({ channel: 'C0GENERAL', text: '' }))).toBe(
      'no_text',
    );
    const readOnly = client(fake.issueToken({ scopes: ['channels:read'] }));
    expect(await slackError(readOnly.chat.postMessage({ channel: 'C0GENERAL', text: 'x' }))).toBe(
      'missing_scope',
    );
  });

  it('rejects unknown and revoked tokens', async () => {
    expect(await slackError(client('xoxb-not-a-token').auth.test())).toBe('invalid_auth');
    const token = fake.issueToken({ scopes: BOT_SCOPES });
    const slack = client(token);
    expect(
      await slackError(
        slack.auth
          .revoke({ test: true })
          .then(() => slack.auth.revoke())
          .then(() => slack.auth.test()),
      ),
    ).toBe('token_revoked');
    const other = fake.issueToken({ scopes: BOT_SCOPES });
    fake.revokeToken(other);
    expect(
      await slackError(client(other).chat.postMessage({ channel: 'C0GENERAL', text: 'x' })),
    ).toBe('token_revoked');
  });

  it('answers a forced 429 with Retry-After: the SDK waits and retries, or rejects when told to', async () => {
    const token = fake.issueToken({ scopes: BOT_SCOPES });
    fake.clearRequests();
    fake.forceRateLimit({ method: 'chat.postMessage', retryAfterSeconds: 1 });
    const started = Date.now();
    const posted = await client(token).chat.postMessage({
      channel: 'C0GENERAL',
      text: 'after the limit',
    });
    expect(posted.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages('general').filter((m) => m.text === 'after the limit')).toHaveLength(1);

    fake.forceRateLimit({ method: 'chat.postMessage', retryAfterSeconds: 30 });
    const err = await client(token, { rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: 'C0GENERAL', text: 'rejected' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 30 });
    expect(fake.messages('general').filter((m) => m.text === 'rejected')).toHaveLength(0);
  });
});

describe('Events API sender', () => {
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { type: string; event?: { type: string; text?: string; channel?: string } }[] =
    [];

  /** What FlowGenie's Slack trigger will do: check the signature and its age, answer the challenge. */
  function verify(req: http.IncomingMessage, body: string): boolean {
    const ts = String(req.headers['x-slack-request-timestamp']);
    if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return false;
    const expected = Buffer.from(
      `v0=${createHmac('sha256', APP.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`,
    );
    const given = Buffer.from(String(req.headers['x-slack-signature']));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (!verify(req, body)) return res.writeHead(401).end('bad signature');
        const payload = JSON.parse(body) as { type: string; challenge?: string };
        received.push(payload);
        if (payload.type === 'url_verification')
          return res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ challenge: payload.challenge }));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('passes the url_verification challenge and delivers signed events', async () => {
    const verification = await fake.sendUrlVerification({ url: receiverUrl });
    expect(verification.verified).toBe(true);

    const delivery = await fake.sendEvent({
      url: receiverUrl,
      event: { type: 'app_mention', text: '<@U0BOT> hi', channel: 'C0GENERAL', user: 'U0ALICE' },
    });
    expect(delivery.status).toBe(200);
    expect(received.at(-1)).toMatchObject({
      type: 'event_callback',
      event: { type: 'app_mention', text: '<@U0BOT> hi' },
    });

    const stale = await fake.sendEvent({
      url: receiverUrl,
      event: { type: 'app_mention' },
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
  });

  it('sends a message event to the app when a person posts in a channel the bot is in', async () => {
    const other = fake.addApp({
      clientId: '3333.4444',
      clientSecret: 's',
      signingSecret: 'another-secret',
      redirectUris: [],
      eventsUrl: receiverUrl,
    });
    fake.addApp({ ...APP, eventsUrl: receiverUrl });
    const { ts, deliveries } = await fake.userPostsMessage({
      channel: 'general',
      text: 'deploy please',
    });
    // The app with our secret is accepted; the one signing with another secret is refused.
    expect(deliveries.map((d) => d.status).sort()).toEqual([200, 401]);
    expect(received.at(-1)).toMatchObject({
      event: { type: 'message', channel: 'C0GENERAL', text: 'deploy please' },
    });
    expect(fake.messages('general').at(-1)).toMatchObject({ ts, user: 'U0ALICE' });
    expect(other.signingSecret).toBe('another-secret');
  });
});
