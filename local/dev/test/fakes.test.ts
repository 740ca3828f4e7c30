import fs from 'node:fs';
import { Agent, fetch } from 'undici';
import { ensureDevCerts } from '../src/certs';
import { startFakeProviders, type RunningFakes } from '../src/fakes';
import { CERTS_DIR } from '../src/paths';

// What FAKE_PROVIDERS=1 npm start runs beside the services: the fakes over HTTPS with the dev
// certificate, registered for this stack's public origin only, with something to try at once.
describe('the fake providers of the local stack', () => {
  const publicBaseUrl = 'https://localhost:18443';
  let fakes: RunningFakes;
  let dispatcher: Agent;

  beforeAll(async () => {
    const certs = await ensureDevCerts(CERTS_DIR);
    dispatcher = new Agent({ connect: { ca: fs.readFileSync(certs.caCert) } });
    fakes = await startFakeProviders({ publicBaseUrl, certs, googlePort: 0, slackPort: 0 });
  });
  afterAll(async () => {
    await fakes?.close();
    await dispatcher?.close();
  });

  const get = (url: string) => fetch(url, { dispatcher, redirect: 'manual' });

  it('points the services at the fakes with their client ids, over HTTPS the dev CA signed', () => {
    expect(fakes.env).toEqual({
      FAKE_PROVIDERS: '1',
      GOOGLE_CLIENT_ID: expect.any(String),
      GOOGLE_CLIENT_SECRET: expect.any(String),
      SLACK_CLIENT_ID: expect.any(String),
      SLACK_CLIENT_SECRET: expect.any(String),
      SLACK_SIGNING_SECRET: expect.any(String),
      GOOGLE_BASE_URL: fakes.google.url,
      SLACK_BASE_URL: fakes.slack.url,
    });
    expect(fakes.google.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fakes.slack.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('shows the Google consent screen for a callback on the stack, and refuses any other', async () => {
    const authorize = (redirectUri: string) => {
      const u = new URL(`${fakes.google.url}/o/oauth2/v2/auth`);
      u.search = new URLSearchParams({
        client_id: fakes.env.GOOGLE_CLIENT_ID,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid email',
        state: 's',
      }).toString();
      return get(u.toString());
    };
    const ok = await authorize(`${publicBaseUrl}/api/connections/oauth/callback`);
    expect(ok.status).toBe(200);
    const page = await ok.text();
    expect(page).toContain('(fake)');
    expect(page).toContain('alice@example.com');
    const foreign = await authorize('https://evil.example/api/connections/oauth/callback');
    expect(foreign.status).toBeGreaterThanOrEqual(400);
  });

  it('shows the Slack install screen for the stack', async () => {
    const u = new URL(`${fakes.slack.url}/oauth/v2/authorize`);
    u.search = new URLSearchParams({
      client_id: fakes.env.SLACK_CLIENT_ID,
      redirect_uri: `${publicBaseUrl}/api/connections/oauth/callback`,
      scope: 'chat:write,channels:read',
      state: 's',
    }).toString();
    const res = await get(u.toString());
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('(fake)');
  });

  it("has a few emails in alice's inbox and channels in the Slack workspace", async () => {
    expect(fakes.google.gmailMessages('alice@example.com').map((m) => m.subject)).toEqual(
      expect.arrayContaining(['Welcome to the fake Gmail', 'Invoice 1042', 'Lunch on Friday?']),
    );
    const token = fakes.slack.issueToken({ scopes: ['channels:read'] });
    const res = await fetch(`${fakes.slack.apiUrl}conversations.list`, {
      dispatcher,
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { channels: { name: string }[] };
    expect(body.channels.map((c) => c.name).sort()).toEqual(['alerts', 'general', 'random']);
  });
});
