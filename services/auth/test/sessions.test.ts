import {
  anEmail,
  APP_ORIGIN,
  call,
  PASSWORD,
  REFRESH_COOKIE,
  refreshCookieHeaderOf,
  refreshCookieOf,
  signUp,
  startAuth,
  type TestAuth,
} from './support';

let auth: TestAuth;
beforeAll(async () => {
  auth = await startAuth('sessions');
});
afterAll(() => auth?.stop());

const get = (path: string, opts: Parameters<typeof call>[3] = {}) =>
  call(auth.url, 'GET', path, opts);
const post = (path: string, opts: Parameters<typeof call>[3] = {}) =>
  call(auth.url, 'POST', path, opts);

/** Runs `act` with the service's clock `ms` ahead. */
async function later<T>(ms: number, act: () => Promise<T>): Promise<T> {
  auth.clock.offsetMs = ms;
  try {
    return await act();
  } finally {
    auth.clock.offsetMs = 0;
  }
}

describe('sign up, sign in, me', () => {
  it('signs up with a normalised email, sets the refresh cookie and answers /auth/me with the access token', async () => {
    // Act
    const answer = await post('/auth/signup', {
      body: { email: '  Ann.Signup@Example.COM ', password: PASSWORD },
    });
    // Assess
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      user: {
        id: expect.any(String),
        email: 'ann.signup@example.com',
        createdAt: expect.any(String),
      },
      accessToken: expect.any(String),
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    // __Host-: the browser only keeps it Secure, Path=/ and without Domain.
    const cookie = refreshCookieHeaderOf(answer);
    expect(cookie).toContain(`${REFRESH_COOKIE}=${answer.body.refreshToken}`);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/;/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(answer.cookies).toHaveLength(1);
    const me = await get('/auth/me', { token: answer.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(answer.body.user);
  });

  it('keeps the refresh token out of the body for a browser client, in the cookie only', async () => {
    const answer = await post('/auth/signup', {
      body: { email: anEmail(), password: PASSWORD, client: 'browser' },
    });
    expect(answer.status).toBe(201);
    expect(answer.body.refreshToken).toBeUndefined();
    expect(refreshCookieOf(answer)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a second account for the same email, whatever its case and spaces, without naming the email', async () => {
    const { email } = await signUp(auth.url);
    const again = await post('/auth/signup', {
      body: { email: ` ${email.toUpperCase()} `, password: 'another password!' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({
      code: 'signup_refused',
      message:
        'could not create an account with these details; if you already have an account, sign in instead',
    });
    expect(again.cookies).toEqual([]);
  });

  it('signs in with the email typed differently and the right password', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/login', {
      body: { email: user.email.toUpperCase(), password: PASSWORD },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.user).toEqual(user.user);
    expect(answer.body.refreshToken).not.toBe(user.refreshToken);
    const me = await get('/auth/me', { token: answer.body.accessToken });
    expect(me.body.email).toBe(user.email);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const user = await signUp(auth.url);
    const wrongPassword = await post('/auth/login', {
      body: { email: user.email, password: 'not the password' },
    });
    const unknownEmail = await post('/auth/login', {
      body: { email: anEmail('ghost'), password: 'not the password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error).toEqual({
      code: 'invalid_credentials',
      message: 'email or password is incorrect',
    });
    expect(wrongPassword.cookies).toEqual([]);
  });

  it('refuses /auth/me without a bearer token', async () => {
    const answer = await get('/auth/me');
    expect(answer.status).toBe(401);
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

  it('revokes the whole family when an already rotated token comes back after the grace period', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const rotated = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(rotated.status).toBe(200);
    // Act: the old token again (a thief, or a replay), 21 s later
    const reuse = await later(21_000, () =>
      post('/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    );
    // Assess
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('invalid_refresh_token');
    expect(reuse.body.error.message).toMatch(/already used/);
    const newest = await post('/auth/refresh', {
      body: { refreshToken: rotated.body.refreshToken },
    });
    expect(newest.status).toBe(401);
    // Another session of the same user is untouched.
    const other = await post('/auth/login', { body: { email: user.email, password: PASSWORD } });
    expect(
      (await post('/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status,
    ).toBe(200);
  });

  it('signs nobody out when two tabs refresh with the same token at once: both get a working session', async () => {
    // Prepare
    const user = await signUp(auth.url);
    // Act
    const answers = await Promise.all([
      post('/auth/refresh', {
        cookie: `${REFRESH_COOKIE}=${user.refreshToken}`,
        origin: APP_ORIGIN,
      }),
      post('/auth/refresh', {
        cookie: `${REFRESH_COOKIE}=${user.refreshToken}`,
        origin: APP_ORIGIN,
      }),
    ]);
    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [a, b] = answers.map((answer) => refreshCookieOf(answer)!);
    expect(a).not.toBe(b);
    for (const next of [a, b]) {
      expect((await post('/auth/refresh', { body: { refreshToken: next } })).status).toBe(200);
    }
    expect((await get('/auth/me', { token: answers[1].body.accessToken })).body.id).toBe(
      user.user.id,
    );
  });

  it('answers a token rotated moments ago with another token of its family; a later reuse still revokes', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const first = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    // Act: the same old token 15 s later (a retried request whose answer was lost), then 25 s later
    const withinGrace = await later(15_000, () =>
      post('/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    );
    const afterGrace = await later(25_000, () =>
      post('/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    );
    // Assess
    expect(withinGrace.status).toBe(200);
    expect(withinGrace.body.refreshToken).not.toBe(first.body.refreshToken);
    expect(afterGrace.status).toBe(401);
    expect(afterGrace.body.error.message).toMatch(/already used/);
    for (const token of [first.body.refreshToken, withinGrace.body.refreshToken]) {
      expect((await post('/auth/refresh', { body: { refreshToken: token } })).status).toBe(401);
    }
  });

  it('refreshes from the cookie alone, answering as to a browser', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/refresh', {
      cookie: `theme=dark; ${REFRESH_COOKIE}=${user.refreshToken}`,
      origin: APP_ORIGIN,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.refreshToken).toBeUndefined();
    expect(refreshCookieOf(answer)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(refreshCookieOf(answer)).not.toBe(user.refreshToken);
  });

  it('still reads the cookie of before (fg_refresh, Path=/api/auth) once, and replaces it with the new one', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/refresh', {
      cookie: `fg_refresh=${user.refreshToken}`,
      origin: APP_ORIGIN,
    });
    expect(answer.status).toBe(200);
    expect(refreshCookieOf(answer)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(answer.cookies.find((c) => c.startsWith('fg_refresh='))).toMatch(
      /^fg_refresh=; Path=\/api\/auth; Expires=Thu, 01 Jan 1970/,
    );
  });

  it('refuses the cookie from another origin with 403 and rotates nothing', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/refresh', {
      cookie: `${REFRESH_COOKIE}=${user.refreshToken}`,
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toEqual({
      code: 'origin_not_allowed',
      message: 'the session cookie cannot be used from https://evil.example',
    });
    expect(answer.cookies).toEqual([]);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(200);
  });

  it('refuses an unknown cookie token with 401 and clears the cookie', async () => {
    const answer = await post('/auth/refresh', { cookie: `${REFRESH_COOKIE}=made-up-token` });
    expect(answer.status).toBe(401);
    expect(refreshCookieOf(answer)).toBe('');
    expect(answer.cookies[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a refresh with no token at all', async () => {
    const answer = await post('/auth/refresh');
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/no refresh token/);
  });

  it("answers a browser's probe with no token 204, and a probe with a bad token 401", async () => {
    const none = await post('/auth/refresh', { body: { probe: true } });
    expect(none.status).toBe(204);
    expect(none.cookies).toEqual([]);
    const bad = await post('/auth/refresh', {
      body: { probe: true },
      cookie: `${REFRESH_COOKIE}=made-up-token`,
    });
    expect(bad.status).toBe(401);
    expect((await post('/auth/refresh', { body: { probe: false } })).status).toBe(400);
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
  it('works with the refresh cookie alone (a browser), revoking its family and clearing the cookie', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const rotated = await post('/auth/refresh', { body: { refreshToken: user.refreshToken } });
    const otherSession = await post('/auth/login', {
      body: { email: user.email, password: PASSWORD },
    });
    // Act: no bearer token, as the web app sends it
    const answer = await post('/auth/logout', {
      cookie: `${REFRESH_COOKIE}=${rotated.body.refreshToken}`,
      origin: APP_ORIGIN,
    });
    // Assess
    expect(answer.status).toBe(204);
    expect(refreshCookieOf(answer)).toBe('');
    expect(refreshCookieHeaderOf(answer)).toMatch(/Path=\/; Expires=Thu, 01 Jan 1970/);
    // The next page load's refresh finds no session.
    expect(
      (
        await post('/auth/refresh', {
          cookie: `${REFRESH_COOKIE}=${rotated.body.refreshToken}`,
          origin: APP_ORIGIN,
        })
      ).status,
    ).toBe(401);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: otherSession.body.refreshToken } }))
        .status,
    ).toBe(200);
  });

  it('works with the access token alone, ending the session it belongs to and no other', async () => {
    const user = await signUp(auth.url);
    const otherSession = await post('/auth/login', {
      body: { email: user.email, password: PASSWORD },
    });
    const answer = await post('/auth/logout', { token: user.accessToken });
    expect(answer.status).toBe(204);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(401);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: otherSession.body.refreshToken } }))
        .status,
    ).toBe(200);
  });

  it('still signs out with the cookie when the access token beside it has expired', async () => {
    auth.clock.offsetMs = -3600_000;
    let user;
    try {
      user = await signUp(auth.url);
    } finally {
      auth.clock.offsetMs = 0;
    }
    const answer = await post('/auth/logout', {
      token: user.accessToken,
      cookie: `${REFRESH_COOKIE}=${user.refreshToken}`,
      origin: APP_ORIGIN,
    });
    expect(answer.status).toBe(204);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(401);
  });

  it("does not revoke another user's session when given their refresh token beside one's own access token", async () => {
    const ann = await signUp(auth.url);
    const bob = await signUp(auth.url);
    const answer = await post('/auth/logout', {
      token: ann.accessToken,
      body: { refreshToken: bob.refreshToken },
    });
    expect(answer.status).toBe(204);
    expect((await post('/auth/refresh', { body: { refreshToken: bob.refreshToken } })).status).toBe(
      200,
    );
  });

  it('refuses the cookie from another origin with 403 and signs nobody out', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/logout', {
      cookie: `${REFRESH_COOKIE}=${user.refreshToken}`,
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(403);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(200);
  });

  it('answers an invalid bearer token without any refresh token with 401', async () => {
    expect((await post('/auth/logout', { token: 'not-a-jwt' })).status).toBe(401);
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
    for (const secret of [
      PASSWORD,
      'a wrong password',
      user.accessToken,
      user.refreshToken,
      rotated.body.refreshToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
