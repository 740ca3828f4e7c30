import { anEmail, call, PASSWORD, signUp, startAuth, type TestAuth } from './support';

let auth: TestAuth;
beforeAll(async () => {
  auth = await startAuth('validation');
});
afterAll(() => auth?.stop());

const post = (path: string, opts: Parameters<typeof call>[3] = {}) =>
  call(auth.url, 'POST', path, opts);
const count = async (table: string) =>
  (await auth.query<{ n: number }>(`select count(*)::int as n from auth.${table}`))[0].n;

describe('bad input', () => {
  it.each([
    ['a missing email', { password: PASSWORD }, 'email', 'is required'],
    [
      'an email that is not one',
      { email: 'ann-at-example.com', password: PASSWORD },
      'email',
      'must be an email address',
    ],
    [
      'a password of 9 characters',
      { email: 'ok@example.com', password: '123456789' },
      'password',
      'must be at least 10 characters',
    ],
    [
      'a password of 201 characters',
      { email: 'ok@example.com', password: 'x'.repeat(201) },
      'password',
      'must be at most 200 characters',
    ],
    [
      'a password that is a number',
      { email: 'ok@example.com', password: 1234567890123 },
      'password',
      'must be a string',
    ],
    [
      'an unknown client',
      { email: 'ok@example.com', password: PASSWORD, client: 'desktop' },
      'client',
      "must be 'api' or 'browser'",
    ],
  ])(
    'sign-up with %s is 400 naming the field, and creates no user',
    async (_what, body, field, message) => {
      const before = await count('users');
      const answer = await post('/auth/signup', { body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      expect(answer.body.error.details).toContainEqual({ path: field, message });
      expect(answer.body.error.message).toContain(field);
      expect(await count('users')).toBe(before);
    },
  );

  it('sign-up with malformed JSON is 400 and creates no user', async () => {
    const before = await count('users');
    const answer = await post('/auth/signup', { rawBody: '{"email": "a@b.io", "password": ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('malformed_json');
    expect(await count('users')).toBe(before);
  });

  it('sign-in without a password is 400 naming it', async () => {
    const answer = await post('/auth/login', { body: { email: anEmail() } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'password', message: 'is required' }]);
  });

  it('an API key with an empty name is 400 naming it, and creates no key', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/api-keys', { token: user.accessToken, body: { name: '   ' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'name', message: 'must not be empty' }]);
    expect(await count('api_keys')).toBe(0);
  });

  it('a token exchange without apiKey is 400 naming it', async () => {
    const answer = await post('/auth/token', { body: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([{ path: 'apiKey', message: 'is required' }]);
  });

  it('a refresh with an empty token in the body is 400 and rotates nothing', async () => {
    const user = await signUp(auth.url);
    const answer = await post('/auth/refresh', {
      body: { refreshToken: '' },
      cookie: `fg_refresh=${user.refreshToken}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      { path: 'refreshToken', message: 'must not be empty' },
    ]);
    expect(
      (await post('/auth/refresh', { body: { refreshToken: user.refreshToken } })).status,
    ).toBe(200);
  });
});
