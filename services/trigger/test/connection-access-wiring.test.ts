import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
// The real auth service, as its own tests start it: connections and their internal access endpoint.
import {
  APP_ORIGIN,
  anEmail,
  call,
  signUp,
  startAuth,
  type TestAuth,
} from '../../auth/test/support';
import { graphWith, TriggerHarness } from './support';

const ALICE = 'alice@example.com';
const SERVICE_TOKEN = 'internal-service-token-for-trigger-tests-0123456789';
const GOOGLE = { clientId: 'trigger-google-client', clientSecret: 'trigger-google-client-secret' };

jest.setTimeout(90_000);

/**
 * Gmail polling against the real auth service: the connection is made through the OAuth dance
 * with the fake Google, the trigger service reads the service token from its file and gets the
 * token from auth's internal access endpoint (AUTH_INTERNAL_URL), and a grant revoked at Google
 * pauses the trigger with auth's reason.
 */
describe('integration triggers with the auth service’s connections', () => {
  let google: FakeGoogle;
  let auth: TestAuth;
  let dir: string;
  let h: TriggerHarness;
  let ownerId: string;
  let connectionId: string;

  beforeAll(async () => {
    google = await startFakeGoogle({
      accounts: [{ email: ALICE, name: 'Alice' }],
      clients: [{ ...GOOGLE, redirectUris: [`${APP_ORIGIN}/*`] }],
    });
    google.setAutoApprove(ALICE);
    auth = await startAuth('trigger_conn', {
      GOOGLE_CLIENT_ID: GOOGLE.clientId,
      GOOGLE_CLIENT_SECRET: GOOGLE.clientSecret,
      GOOGLE_BASE_URL: google.url,
      INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
    });
    const alice = await signUp(auth.url, anEmail('alice'));
    ownerId = alice.user.id;
    // The browser's part of connecting Google: start, consent (auto-approved), callback.
    const started = await call(auth.url, 'POST', '/connections/oauth/start', {
      token: alice.accessToken,
      body: { provider: 'google' },
    });
    expect(started.status).toBe(200);
    const cookie = started.cookies.find((c) => c.startsWith('__Host-fg_oauth='))!.split(';')[0];
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    const landed = await fetch(`${auth.url}/connections/oauth/callback${back.search}`, {
      redirect: 'manual',
      headers: { cookie },
    });
    connectionId = new URL(landed.headers.get('location')!).searchParams.get('connected')!;
    expect(connectionId).toMatch(/^[0-9a-f-]{36}$/);

    dir = await mkdtemp(path.join(tmpdir(), 'fg-trigger-'));
    await writeFile(path.join(dir, 'internal.token'), `${SERVICE_TOKEN}\n`);
    h = await TriggerHarness.start({
      GOOGLE_BASE_URL: google.url,
      AUTH_INTERNAL_URL: auth.url,
      INTERNAL_SERVICE_TOKEN_FILE: path.join(dir, 'internal.token'),
    });
  });
  afterAll(async () => {
    await h?.close();
    await auth?.stop();
    await google?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('polls Gmail with the token auth hands out, and pauses once the grant is revoked', async () => {
    const wf = await h.activate({
      ownerId,
      graph: graphWith({
        type: 'gmail_new_message',
        config: { connectionId, query: 'from:boss@example.com' },
      }),
    });
    await h.pollsSettled(wf.workflowId);
    google.deliverEmail(ALICE, { from: 'boss@example.com', subject: 'through auth' });

    expect(await h.service.integrations.poll.execute(wf.workflowId)).toMatchObject({
      kind: 'polled',
      fired: 1,
    });

    // Act: Alice revokes FlowGenie at Google; auth's refresh is refused
    google.revokeAccount(ALICE);
    google.expireAccessTokens(ALICE);
    auth.clock.offsetMs = 3_600_000;
    const outcome = await h.service.integrations.poll.execute(wf.workflowId);

    // Assess: paused with the reason, nothing more fired
    expect(outcome).toEqual({ kind: 'paused', reason: 'the connection was revoked: reconnect it' });
    expect((await h.service.integrations.states.find(wf.workflowId))?.status).toBe('paused');
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(1);
  });

  it('refuses another user’s connection: the trigger pauses saying so', async () => {
    const wf = await h.activate({
      graph: graphWith({ type: 'gmail_new_message', config: { connectionId, query: '' } }),
    });
    expect(await h.service.integrations.poll.execute(wf.workflowId)).toEqual({
      kind: 'paused',
      reason: 'the connection no longer exists: choose another one',
    });
  });
});
