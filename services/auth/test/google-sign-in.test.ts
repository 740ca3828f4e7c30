import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { APP_ORIGIN, anEmail, call, PASSWORD, signUp, startAuth, type TestAuth } from './support';

const CLIENT_ID = 'flowgenie-test.apps.googleusercontent.com';
const CLIENT_SECRET = 'google-test-secret';
const STATE_COOKIE = '__Host-fg_google_state';

let google: FakeGoogle;
let auth: TestAuth;

beforeAll(async () => {
  google = await startFakeGoogle({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${APP_ORIGIN}/api/auth/google/callback`],
      },
    ],
  });
  auth = await startAuth('google', {
    GOOGLE_CLIENT_ID: CLIENT_ID,
    GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
    GOOGLE_BASE_URL: google.url,
  });
});
afterAll(async () => {
  await auth?.stop();
  await google?.close();
});

const cookieValue = (res: Response, name: string) => {
  const header = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return header === undefined
    ? undefined
    : decodeURIComponent(header.slice(name.length + 1).split(';')[0]);
};

interface Started {
  /** Google's consent URL the browser was sent to. */
  authorizeUrl: URL;
  /** The state cookie the browser got. */
  stateCookie: string;
}

/** The browser opens /start: a 302 to Google and the state cookie. */
async function start(): Promise<Started> {
  const res = await fetch(`${auth.url}/auth/google/start`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const stateCookie = cookieValue(res, STATE_COOKIE);
  expect(stateCookie).toBeDefined();
  return { authorizeUrl: new URL(res.headers.get('location')!), stateCookie: stateCookie! };
}

/** Google's consent (approved at once as `email`): the callback URL it redirects to, rewritten to the test server. */
async function consent(started: Started, email: string): Promise<URL> {
  google.setAutoApprove(email);
  const res = await fetch(started.authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(`${APP_ORIGIN}/api/auth/google/callback`);
  return new URL(`${auth.url}/auth/google/callback${back.search}`);
}

/** The browser comes back from Google to the callback, with the cookie it holds. */
async function callback(url: URL, cookie: string | undefined) {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(302);
  return {
    location: res.headers.get('location')!,
    refreshToken: cookieValue(res, '__Host-fg_refresh'),
    res,
  };
}

/** The whole dance as `email`, from the button to the app. */
async function signInWithGoogle(email: string) {
  const started = await start();
  const back = await consent(started, email);
  return callback(back, `${STATE_COOKIE}=${started.stateCookie}`);
}

/** What the SPA does on load: refresh with the cookie, then /me. */
async function meWithCookie(refreshToken: string) {
  const refreshed = await call(auth.url, 'POST', '/auth/refresh', {
    cookie: `__Host-fg_refresh=${refreshToken}`,
    origin: APP_ORIGIN,
    body: {},
  });
  expect(refreshed.status).toBe(200);
  const me = await call(auth.url, 'GET', '/auth/me', { token: refreshed.body.accessToken });
  expect(me.status).toBe(200);
  return me.body as { id: string; email: string };
}

const identities = (email: string) =>
  auth.query<{ sub: string; user_id: string }>(
    'select sub, user_id from auth.google_identities where email = $1',
    [email],
  );

describe('Sign in with Google', () => {
  it('says it is on, and fake, when the client id is set and Google is the local fake', async () => {
    const answer = await call(auth.url, 'GET', '/auth/google/config');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ enabled: true, fake: true });
  });

  it('sends the browser to Google with state, an S256 PKCE challenge and the sign-in scopes only', async () => {
    const { authorizeUrl, stateCookie } = await start();
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${google.url}/o/oauth2/v2/auth`);
    const q = authorizeUrl.searchParams;
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`${APP_ORIGIN}/api/auth/google/callback`);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid email profile');
    expect(q.get('state')).toBe(stateCookie);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The client secret never travels through the browser.
    expect(authorizeUrl.toString()).not.toContain(CLIENT_SECRET);
  });

  it('signs a new Google user up and in: callback to / with the refresh cookie, then /me works with the refreshed token', async () => {
    const email = anEmail('gnew');
    google.addAccount({ email, name: 'New Person' });
    const { location, refreshToken } = await signInWithGoogle(email);
    expect(location).toBe('/');
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await meWithCookie(refreshToken!);
    expect(me.email).toBe(email);
    // PKCE went all the way: the token request carried the verifier of the challenge.
    const tokenRequest = google.requests('/token').at(-1)!;
    expect((tokenRequest.body as Record<string, string>).code_verifier).toMatch(
      /^[A-Za-z0-9_-]{43}$/,
    );
    expect(await identities(email)).toEqual([{ sub: expect.any(String), user_id: me.id }]);
    // No password: password sign-in refuses like a wrong password, and does not crash.
    const login = await call(auth.url, 'POST', '/auth/login', {
      body: { email, password: PASSWORD },
    });
    expect(login.status).toBe(401);
    expect(login.body.error.code).toBe('invalid_credentials');
  });

  it('signs the same Google account in again as the same user, through the same identity', async () => {
    const email = anEmail('gagain');
    google.addAccount({ email });
    const first = await meWithCookie((await signInWithGoogle(email)).refreshToken!);
    const second = await signInWithGoogle(email);
    expect(second.location).toBe('/');
    expect((await meWithCookie(second.refreshToken!)).id).toBe(first.id);
    expect(await identities(email)).toHaveLength(1);
  });

  it('refuses a second Google account whose email belongs to a user made by another Google account (no password to prove it)', async () => {
    const email = anEmail('gconflict');
    google.addAccount({ email, sub: '100000000000000000001' });
    const first = await signInWithGoogle(email);
    expect(first.location).toBe('/');
    // The email now belongs to another Google account (same address, new sub).
    google.addAccount({ email, sub: '100000000000000000002' });
    const second = await signInWithGoogle(email);
    expect(second.location).toBe('/login?error=google_account_conflict');
    expect(second.refreshToken).toBeUndefined();
    expect(await identities(email)).toEqual([
      { sub: '100000000000000000001', user_id: expect.any(String) },
    ]);
  });

  it('refuses an email Google has not verified: no user, no session, /login?error=google_email_unverified', async () => {
    const email = anEmail('gunverified');
    google.addAccount({ email, emailVerified: false });
    const { location, refreshToken } = await signInWithGoogle(email);
    expect(location).toBe('/login?error=google_email_unverified');
    expect(refreshToken).toBeUndefined();
    expect(await auth.query('select id from auth.users where email = $1', [email])).toEqual([]);
  });

  it('refuses an unverified email even when it belongs to a password account (no link offered)', async () => {
    const owner = await signUp(auth.url, anEmail('gunverifiedowner'));
    google.addAccount({ email: owner.email, emailVerified: false });
    const { location } = await signInWithGoogle(owner.email);
    expect(location).toBe('/login?error=google_email_unverified');
  });

  describe('state', () => {
    it('refuses a callback whose state was tampered with, before any code is exchanged', async () => {
      const email = anEmail('gstate');
      google.addAccount({ email });
      const started = await start();
      const back = await consent(started, email);
      back.searchParams.set('state', `${started.stateCookie.slice(0, -2)}xx`);
      google.clearRequests();
      const { location, refreshToken } = await callback(
        back,
        `${STATE_COOKIE}=${started.stateCookie}`,
      );
      expect(location).toBe('/login?error=google_state_invalid');
      expect(refreshToken).toBeUndefined();
      expect(google.requests('/token')).toEqual([]);
      expect(await auth.query('select id from auth.users where email = $1', [email])).toEqual([]);
    });

    it('refuses a callback from a browser that did not start the sign-in (no state cookie, or another one)', async () => {
      const email = anEmail('gcsrf');
      google.addAccount({ email });
      const started = await start();
      const back = await consent(started, email);
      expect((await callback(back, undefined)).location).toBe('/login?error=google_state_invalid');
      const other = await start();
      expect((await callback(back, `${STATE_COOKIE}=${other.stateCookie}`)).location).toBe(
        '/login?error=google_state_invalid',
      );
    });

    it('accepts a state once: replaying the callback is refused', async () => {
      const email = anEmail('greplay');
      google.addAccount({ email });
      const started = await start();
      const back = await consent(started, email);
      const cookie = `${STATE_COOKIE}=${started.stateCookie}`;
      expect((await callback(back, cookie)).location).toBe('/');
      const again = await callback(back, cookie);
      expect(again.location).toBe('/login?error=google_state_invalid');
      expect(again.refreshToken).toBeUndefined();
    });

    it('sends a user who cancels on Google back to the login page', async () => {
      const started = await start();
      const url = new URL(`${auth.url}/auth/google/callback`);
      url.searchParams.set('error', 'access_denied');
      url.searchParams.set('state', started.stateCookie);
      expect((await callback(url, `${STATE_COOKIE}=${started.stateCookie}`)).location).toBe(
        '/login?error=google_access_denied',
      );
    });
  });

  describe('linking to a password account', () => {
    async function linkRequest(email: string): Promise<string> {
      const { location, refreshToken } = await signInWithGoogle(email);
      expect(refreshToken).toBeUndefined();
      const url = new URL(location, APP_ORIGIN);
      expect(url.pathname).toBe('/login');
      const token = url.searchParams.get('link');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      return token!;
    }

    it('does not sign in on the email alone: the owner signs in with the password, links, and Google then signs in directly', async () => {
      const owner = await signUp(auth.url, anEmail('gowner'));
      google.addAccount({ email: owner.email });
      const linkToken = await linkRequest(owner.email);
      expect(await identities(owner.email)).toEqual([]);

      const session = await call(auth.url, 'POST', '/auth/login', {
        body: { email: owner.email, password: PASSWORD },
      });
      expect(session.status).toBe(200);
      const linked = await call(auth.url, 'POST', '/auth/google/link', {
        token: session.body.accessToken,
        body: { linkToken },
      });
      expect(linked.status).toBe(200);
      expect(linked.body).toEqual({ linked: true, email: owner.email });
      expect(await identities(owner.email)).toEqual([
        { sub: expect.any(String), user_id: owner.user.id },
      ]);

      const direct = await signInWithGoogle(owner.email);
      expect(direct.location).toBe('/');
      expect((await meWithCookie(direct.refreshToken!)).id).toBe(owner.user.id);
      // The password still works too.
      expect(
        (
          await call(auth.url, 'POST', '/auth/login', {
            body: { email: owner.email, password: PASSWORD },
          })
        ).status,
      ).toBe(200);
    });

    it('links only the account that proves ownership: another user’s session gets 404 and the token still works for the owner', async () => {
      const owner = await signUp(auth.url, anEmail('gvictim'));
      const attacker = await signUp(auth.url, anEmail('gattacker'));
      google.addAccount({ email: owner.email });
      const linkToken = await linkRequest(owner.email);

      const stolen = await call(auth.url, 'POST', '/auth/google/link', {
        token: attacker.accessToken,
        body: { linkToken },
      });
      expect(stolen.status).toBe(404);
      expect(stolen.body.error.code).toBe('google_link_invalid');
      expect(await identities(owner.email)).toEqual([]);

      const rightful = await call(auth.url, 'POST', '/auth/google/link', {
        token: owner.accessToken,
        body: { linkToken },
      });
      expect(rightful.status).toBe(200);
      // Once only.
      const again = await call(auth.url, 'POST', '/auth/google/link', {
        token: owner.accessToken,
        body: { linkToken },
      });
      expect(again.status).toBe(404);
    });

    it('needs a signed-in session: no token is 401, a wrong password links nothing, an API key token is 403', async () => {
      const owner = await signUp(auth.url, anEmail('gproof'));
      google.addAccount({ email: owner.email });
      const linkToken = await linkRequest(owner.email);

      expect(
        (await call(auth.url, 'POST', '/auth/google/link', { body: { linkToken } })).status,
      ).toBe(401);
      const wrong = await call(auth.url, 'POST', '/auth/login', {
        body: { email: owner.email, password: 'not the password' },
      });
      expect(wrong.status).toBe(401);

      const key = await call(auth.url, 'POST', '/auth/api-keys', {
        token: owner.accessToken,
        body: { name: 'ci' },
      });
      const exchanged = await call(auth.url, 'POST', '/auth/token', {
        body: { apiKey: key.body.key },
      });
      const byKey = await call(auth.url, 'POST', '/auth/google/link', {
        token: exchanged.body.accessToken,
        body: { linkToken },
      });
      expect(byKey.status).toBe(403);
      expect(byKey.body.error.code).toBe('insufficient_scope');
      expect(await identities(owner.email)).toEqual([]);
    });

    it('answers a missing or unknown link token with a located 400 or a 404', async () => {
      const user = await signUp(auth.url, anEmail('glinkbad'));
      const missing = await call(auth.url, 'POST', '/auth/google/link', {
        token: user.accessToken,
        body: {},
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'linkToken' })]);
      const unknown = await call(auth.url, 'POST', '/auth/google/link', {
        token: user.accessToken,
        body: { linkToken: 'nope' },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('google_link_invalid');
    });
  });

  it('keeps tokens, codes and secrets out of the logs', async () => {
    const email = anEmail('glogs');
    google.addAccount({ email });
    const { refreshToken } = await signInWithGoogle(email);
    const text = auth.logs.join('\n');
    expect(text).toContain('signed in with Google');
    expect(text).not.toContain(refreshToken!);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toMatch(/ya29\.|id_token|code_verifier/);
  });
});

describe('Sign in with Google, not configured', () => {
  let off: TestAuth;
  beforeAll(async () => {
    off = await startAuth('google_off');
  });
  afterAll(() => off?.stop());

  it('says it is off and why, and /start answers a clear 404 instead of redirecting', async () => {
    const config = await call(off.url, 'GET', '/auth/google/config');
    expect(config.body).toEqual({
      enabled: false,
      reason: 'Sign in with Google is off: GOOGLE_CLIENT_ID is not set',
    });
    const res = await fetch(`${off.url}/auth/google/start`, { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: 'google_sign_in_disabled',
        message: 'Sign in with Google is off: GOOGLE_CLIENT_ID is not set',
      },
    });
  });
});

describe('Sign in with Google, checks around the provider', () => {
  it('refuses an id_token whose issuer is not the configured Google: no user, /login?error=google_sign_in_failed', async () => {
    // A provider that signs its id_tokens as someone else.
    const impostor = await startFakeGoogle({
      issuer: 'https://accounts.example.net',
      clients: [
        {
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${APP_ORIGIN}/api/auth/google/callback`],
        },
      ],
    });
    const other = await startAuth('google_issuer', {
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_BASE_URL: impostor.url,
    });
    try {
      const email = anEmail('gissuer');
      impostor.addAccount({ email });
      impostor.setAutoApprove(email);
      const begin = await fetch(`${other.url}/auth/google/start`, { redirect: 'manual' });
      const stateCookie = cookieValue(begin, STATE_COOKIE)!;
      const approved = await fetch(begin.headers.get('location')!, { redirect: 'manual' });
      const back = new URL(approved.headers.get('location')!);
      const res = await fetch(`${other.url}/auth/google/callback${back.search}`, {
        redirect: 'manual',
        headers: { cookie: `${STATE_COOKIE}=${stateCookie}` },
      });
      expect(res.headers.get('location')).toBe('/login?error=google_sign_in_failed');
      expect(cookieValue(res, '__Host-fg_refresh')).toBeUndefined();
      expect(await other.query('select id from auth.users where email = $1', [email])).toEqual([]);
      expect(other.logs.join('\n')).toMatch(/JWTClaimValidationFailed: unexpected \\"iss\\" claim/);
    } finally {
      await other.stop();
      await impostor.close();
    }
  });

  it('answers /start with 503 promptly when Redis is away, instead of starting without a state to check', async () => {
    const other = await startAuth('google_redis_down', {
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
      GOOGLE_BASE_URL: google.url,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    try {
      const started = Date.now();
      const res = await fetch(`${other.url}/auth/google/start`, { redirect: 'manual' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: {
          code: 'service_unavailable',
          message: 'Sign in with Google is temporarily unavailable; try again shortly',
        },
      });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await other.stop();
    }
  });
});
