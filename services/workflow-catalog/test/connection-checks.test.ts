import { randomUUID } from 'node:crypto';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
// The real auth service, as its own tests start it: connections and its internal check endpoint.
import {
  APP_ORIGIN,
  anEmail,
  call as authCall,
  signUp,
  startAuth,
  type TestAuth,
} from '../../auth/test/support';
import { startCatalog, type TestCatalog } from './helpers';

jest.setTimeout(90_000);

const ALICE = 'alice@example.com';
const SERVICE_TOKEN = 'internal-service-token-for-catalog-tests-0123456789';
const GOOGLE = { clientId: 'catalog-google-client', clientSecret: 'catalog-google-client-secret' };
const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';

type Session = Awaited<ReturnType<typeof signUp>>;

let google: FakeGoogle;
let auth: TestAuth;
let catalog: TestCatalog;
let alice: Session;
let aliceToken: string;
let bobToken: string;

/** The browser's part of connecting Google: start, consent (auto-approved), callback. */
async function connectGoogle(user: Session): Promise<string> {
  const started = await authCall(auth.url, 'POST', '/connections/oauth/start', {
    token: user.accessToken,
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
  const id = new URL(landed.headers.get('location')!).searchParams.get('connected');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id!;
}

/** manual trigger → send an email through `connectionId`. */
const mailGraph = (connectionId: string) => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    {
      id: 'mail',
      type: 'gmail_send',
      position: { x: 200, y: 0 },
      config: { connectionId, to: 'bob@example.com', subject: 'Hi', text: 'Hello' },
    },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'mail' }],
});

const as = (token: string) => (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token, body });

/** Saves a draft (always allowed) and returns its id. */
async function draft(token: string, connectionId: string): Promise<string> {
  const created = await as(token)('POST', '/workflows', {
    name: 'mail',
    graph: mailGraph(connectionId),
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

beforeAll(async () => {
  google = await startFakeGoogle({
    accounts: [{ email: ALICE, name: 'Alice' }],
    clients: [{ ...GOOGLE, redirectUris: [`${APP_ORIGIN}/*`] }],
  });
  google.setAutoApprove(ALICE);
  auth = await startAuth('catalog_conn', {
    GOOGLE_CLIENT_ID: GOOGLE.clientId,
    GOOGLE_CLIENT_SECRET: GOOGLE.clientSecret,
    GOOGLE_BASE_URL: google.url,
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  catalog = await startCatalog('catalog_conn_checks', {
    AUTH_INTERNAL_URL: auth.url,
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  alice = await signUp(auth.url, anEmail('alice'));
  const bob = await signUp(auth.url, anEmail('bob'));
  // The catalog trusts its own test signer; the user ids are auth's.
  ({ token: aliceToken } = await catalog.userToken(alice.user.id));
  ({ token: bobToken } = await catalog.userToken(bob.user.id));
});
afterAll(async () => {
  await catalog?.close();
  await auth?.stop();
  await google?.close();
});

describe('publishing and activating check the connections steps name', () => {
  it('publishes and activates a step whose connection works', async () => {
    const id = await draft(aliceToken, await connectGoogle(alice));
    const published = await as(aliceToken)('POST', `/workflows/${id}/publish`);
    expect(published.status).toBe(201);
    const activated = await as(aliceToken)('POST', `/workflows/${id}/activate`, {});
    expect(activated.status).toBe(200);
    expect(activated.body.active).toBe(true);
  });

  it('refuses an unknown connection with a located 400 and publishes nothing', async () => {
    const id = await draft(aliceToken, randomUUID());
    const res = await as(aliceToken)('POST', `/workflows/${id}/publish`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([
      {
        path: 'nodes.1.config.connectionId',
        nodeId: 'mail',
        code: 'unknown_connection',
        message: 'connection not found: pick one of your connections',
      },
    ]);
    expect((await as(aliceToken)('GET', `/workflows/${id}/versions`)).body.items).toEqual([]);
    // The builder's validate endpoint says the same about the draft.
    const validation = await as(aliceToken)('POST', `/workflows/${id}/validate`);
    expect(validation.body).toEqual({ ok: false, errors: res.body.error.details });
  });

  it("answers another user's connection exactly like an unknown one", async () => {
    const alicesConnection = await connectGoogle(alice);
    const foreign = await as(bobToken)(
      'POST',
      `/workflows/${await draft(bobToken, alicesConnection)}/publish`,
    );
    const unknown = await as(bobToken)(
      'POST',
      `/workflows/${await draft(bobToken, randomUUID())}/publish`,
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual(unknown.body);
    expect(JSON.stringify(foreign.body)).not.toContain(alicesConnection);
  });

  it('refuses a connection of the wrong provider', async () => {
    const bearer = await authCall(auth.url, 'POST', '/connections', {
      token: alice.accessToken,
      body: { provider: 'http_bearer', name: 'Some API', token: 'a-typed-bearer-token' },
    });
    expect(bearer.status).toBe(201);
    const res = await as(aliceToken)(
      'POST',
      `/workflows/${await draft(aliceToken, bearer.body.id)}/publish`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({
        path: 'nodes.1.config.connectionId',
        nodeId: 'mail',
        code: 'connection_wrong_provider',
        message: expect.stringMatching(/needs a google connection, not http_bearer/),
      }),
    ]);
  });

  it('refuses a connection that was not granted the scope the step needs', async () => {
    const connectionId = await connectGoogle(alice);
    // As a grant made before sending mail was asked for: every Google scope but gmail.send.
    await auth.query(
      'update auth.connections set scopes = array_remove(scopes, $2) where id = $1',
      [connectionId, GMAIL_SEND],
    );
    const res = await as(aliceToken)(
      'POST',
      `/workflows/${await draft(aliceToken, connectionId)}/publish`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({
        path: 'nodes.1.config.connectionId',
        code: 'connection_missing_scope',
        message: expect.stringContaining(`not granted ${GMAIL_SEND}`),
      }),
    ]);
  });

  it('publishes a revoked connection but refuses to activate it until it is reconnected', async () => {
    const connectionId = await connectGoogle(alice);
    const id = await draft(aliceToken, connectionId);
    // The executor tells auth Google refused the grant.
    const reported = await fetch(`${auth.url}/internal/connections/${connectionId}/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ownerId: alice.user.id, status: 'revoked', reason: 'token_revoked' }),
    });
    expect(reported.status).toBe(204);

    expect((await as(aliceToken)('POST', `/workflows/${id}/publish`)).status).toBe(201);
    const activated = await as(aliceToken)('POST', `/workflows/${id}/activate`, {});
    expect(activated.status).toBe(400);
    expect(activated.body.error.details).toEqual([
      expect.objectContaining({
        path: 'nodes.1.config.connectionId',
        code: 'connection_revoked',
        message: expect.stringContaining('reconnect it in Connections'),
      }),
    ]);
    expect((await as(aliceToken)('GET', `/workflows/${id}`)).body.active).toBe(false);
  });

  it('refuses to activate a version whose connection was deleted since it was published', async () => {
    const connectionId = await connectGoogle(alice);
    const id = await draft(aliceToken, connectionId);
    expect((await as(aliceToken)('POST', `/workflows/${id}/publish`)).status).toBe(201);
    const deleted = await authCall(auth.url, 'DELETE', `/connections/${connectionId}`, {
      token: alice.accessToken,
    });
    expect(deleted.status).toBe(204);
    const activated = await as(aliceToken)('POST', `/workflows/${id}/activate`, {});
    expect(activated.status).toBe(400);
    expect(activated.body.error.details[0].code).toBe('unknown_connection');
  });

  it('answers 503 with Retry-After when auth cannot answer, but leaves {{ }} connections to run time', async () => {
    const literal = await draft(aliceToken, randomUUID());
    const expression = await draft(aliceToken, '{{ trigger.connectionId }}');
    await auth.stop();
    auth = undefined as unknown as TestAuth;

    const refused = await as(aliceToken)('POST', `/workflows/${literal}/publish`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.error.code).toBe('connections_unavailable');
    expect((await as(aliceToken)('GET', `/workflows/${literal}/versions`)).body.items).toEqual([]);

    expect((await as(aliceToken)('POST', `/workflows/${expression}/publish`)).status).toBe(201);
  });
});
