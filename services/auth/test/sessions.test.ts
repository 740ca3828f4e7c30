import { anEmail, call, PASSWORD, refreshCookieOf, signUp, startAuth, type TestAuth } from './support';

let auth: TestAuth;
beforeAll(async () => {
  // The per-IP limit is lowered so the test that reaches it stays short; the per-account one is the default.
  auth = await startAuth('sessions', { LOGIN_MAX_FAILURES_PER_IP: '20' });
});
afterAll(() => auth?.stop());

const get = (path: string, opts: Parameters<typeof call>[3] = {}) => call(auth.url, 'GET', path, opts);
const post = (path: string, opts: Parameters<typeof call>[3] = {}) => call(auth.url, 'POST', path, opts);

describe('sign up, sign in, me', () => {
  it('signs up with a normalised email, sets the refresh cookie and answers /auth/me with the access token', async () => {
    // Act
    const answer = await post('/auth/signup', { body: { email: '  Ann.Signup@Example.COM ', password: PASSWORD } });
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      user: { id: expect.any(String), email: 'ann.signup@example.com', createdAt: expect.any(String) },
      accessToken: expect.any(String),
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const cookie = answer.cookies.find((c) => c.startsWith('fg_refresh='));
    expect(cookie).toContain(`fg_refresh=${answer.body.refreshToken}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/api\/auth/);
    const me = await get('/auth/me', { token: answer.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(answer.body.user);
  });

  it('keeps the refresh token out of the body for a browser client, in the cookie only', async () => {
    const answer = await post('/auth/signup', { body: { email: anEmail(), password: PASSWORD, client: 'browser' } });
    expect(answer.status).toBe(201);
    expect(answer.body.refreshToken).toBeUndefined();
    expect(refreshCookieOf(answer)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a second account for the same email, whatever its case and spaces', async () => {
    const { email } = await signUp(auth.url);
    const again = await post('/auth/signup', { body: { email: ` ${email.toUpperCase()} `, password: 'another password!' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');
  });

  it('signs in with the email typed differently and the right password', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/login', { body: { email: user.email.toUpperCase(), password: PASSWORD } });
    expect(answer.status).toBe(200);
    expect(answer.body.user).toEqual(user.user);
    expect(answer.body.refreshToken).not.toBe(user.refreshToken);
    const me = await get('/auth/me', { token: answer.body.accessToken });
    expect(me.body.email).toBe(user.email);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const user = await signUp(auth.url);
    const wrongPassword = await post('/auth/login', { body: { email: user.email, password: 'not the password' } });
    const unknownEmail = await post('/auth/login', { body: { email: anEmail('ghost'), password: 'not the password' } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error).toEqual({ code: 'invalid_credentials', message: 'email or password is incorrect' });
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('refuses /auth/me without a bearer token', async () => {
    const answer = await get('/auth/me');
    expect(answer.status).toBe(401);
  });
});

describe('sign-in rate limiting', () => {
  it('refuses an account with 429 and Retry-After after 10 failures, even with the right password', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const ip = '198.51.100.10';
    for (let i = 0; i < 10; i++) {
      const failed = await post('/auth/login', { body: { email: user.email, password: 'wrong password' }, ip });
      expect(failed.status).toBe(401);
    }
    // Act: the right password, even from another address
    const blocked = await post('/auth/login', { body: { email: user.email, password: PASSWORD }, ip: '198.51.100.11' });
    // Assess
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(blocked.body.error.message).toBe('too many failed sign-in attempts for this account; try again in 15 minutes');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Another account from the same address is not affected.
    const other = await signUp(auth.url);
    expect((await post('/auth/login', { body: { email: other.email, password: PASSWORD }, ip })).status).toBe(200);
  });

  it('forgives an account its failures after a successful sign-in', async () => {
    const user = await signUp(auth.url);
    const ip = '198.51.100.20';
    // 6 + 6 failures: over the limit of 10 only if the success in between did not reset the count.
    const failSixTimes = async () => {
      for (let i = 0; i < 6; i++) {
        expect((await post('/auth/login', { body: { email: user.email, password: 'wrong password' }, ip })).status).toBe(401);
      }
    };
    await failSixTimes();
    expect((await post('/auth/login', { body: { email: user.email, password: PASSWORD }, ip })).status).toBe(200);
    await failSixTimes();
    expect((await post('/auth/login', { body: { email: user.email, password: PASSWORD }, ip })).status).toBe(200);
  });

  it('refuses an address after its limit of failures across accounts', async () => {
    const ip = '198.51.100.30';
    for (let i = 0; i < 20; i++) {
      const failed = await post('/auth/login', { body: { email: anEmail('spray'), password: 'guess number one' }, ip });
      expect(failed.status).toBe(401);
    }
    const user = await signUp(auth.url);
    const blocked = await post('/auth/login', { body: { email: user.email, password: PASSWORD }, ip });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/from this address/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same account from elsewhere still signs in.
    expect((await post('/auth/login', { body: { email: user.email, password: PASSWORD }, ip: '198.51.100.31' })).status).toBe(200);
  });
});

describe('refresh tokens', () => {
  it('rotates on every refresh: the new pair works and the access token identifies the user', async () => {
    const user = await signUp(auth.url);
    const first = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.refreshToken).not.toBe(user.refreshToken);
    expect(refreshCookieOf(first)).toBe(first.body.refreshToken);
    const second = await post('/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
    expect(second.status).toBe(200);
    expect((await get('/auth/me', { token: second.body.accessToken })).body.id).toBe(user.user.id);
  });

  it('revokes the whole family when an already rotated token comes back', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const rotated = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(rotated.status).toBe(200);
    // Act: the old token again (a thief, or a replay)
    const reuse = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    // Assess
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('invalid_refresh_token');
    expect(reuse.body.error.message).toMatch(/already used/);
    const newest = await post('/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
    expect(newest.status).toBe(401);
    // Another session of the same user is untouched.
    const other = await post('/auth/login', { body: { email: user.email, password: PASSWORD } });
    expect((await post('/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(200);
  });

  it('lets only one of two simultaneous refreshes with the same token win', async () => {
    const user = await signUp(auth.url);
    const answers = await Promise.all([
      post('/auth/refresh', { body: { refreshToken: user.refreshToken } }),
      post('/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it('refreshes from the cookie alone, answering as to a browser', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/refresh', { cookie: `theme=dark; fg_refresh=${user.refreshToken}` });
    expect(answer.status).toBe(200);
    expect(answer.body.refreshToken).toBeUndefined();
    expect(refreshCookieOf(answer)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshCookieOf(answer)).not.toBe(user.refreshToken);
  });

  it('refuses an unknown cookie token with 401 and clears the cookie', async () => {
    const answer = await post('/auth/refresh', { cookie: 'fg_refresh=made-up-token' });
    expect(answer.status).toBe(401);
    expect(refreshCookieOf(answer)).toBe('');
    expect(answer.cookies[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a refresh with no token at all', async () => {
    const answer = await post('/auth/refresh');
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/no refresh token/);
  });

  it('refuses a refresh token after its 30 days', async () => {
    auth.clock.offsetMs = -31 * 24 * 3600_000;
    let user;
    try {
      user = await signUp(auth.url);
    } finally {
      auth.clock.offsetMs = 0;
    }
    const answer = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/expired/);
  });
});

describe('logout', () => {
  it('revokes the session family, clears the cookie, and leaves other sessions alone', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const rotated = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    const otherSession = await post('/auth/login', { body: { email: user.email, password: PASSWORD } });
    // Act
    const answer = await post('/auth/logout', { token: rotated.body.accessToken, cookie: `fg_refresh=${rotated.body.refreshToken}` });
    // Assess
    expect(answer.status).toBe(204);
    expect(refreshCookieOf(answer)).toBe('');
    expect(answer.cookies[0]).toMatch(/Path=\/api\/auth/);
    expect((await post('/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401);
    expect((await post('/auth/refresh', { body: { refreshToken: otherSession.body.refreshToken } })).status).toBe(200);
  });

  it("does not revoke another user's session when given their refresh token", async () => {
    const ann = await signUp(auth.url);
    const bob = await signUp(auth.url);
    const answer = await post('/auth/logout', { token: ann.accessToken, body: { refreshToken: bob.refreshToken } });
    expect(answer.status).toBe(204);
    expect((await post('/auth/refresh', { body: { refreshToken: bob.refreshToken } })).status).toBe(200);
  });

  it('requires a bearer token', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/logout', { body: { refreshToken: user.refreshToken } });
    expect(answer.status).toBe(401);
    expect((await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(200);
  });
});

describe('logs', () => {
  it('never contain passwords, access tokens or refresh tokens', async () => {
    const user = await signUp(auth.url);
    await post('/auth/login', { body: { email: user.email, password: 'a wrong password' } });
    const rotated = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    await post('/auth/refresh', { body: { refreshToken: user.refreshToken } }); // reuse: logged as a warning
    const text = auth.logs.join('\n');
    expect(text).toMatch(/refresh token reused/);
    for (const secret of [PASSWORD, 'a wrong password', user.accessToken, user.refreshToken, rotated.body.refreshToken]) {
      expect(text).not.toContain(secret);
    }
  });
});
