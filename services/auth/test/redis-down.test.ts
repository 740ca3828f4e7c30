import { call, PASSWORD, startAuth, type TestAuth } from './support';

let auth: TestAuth;
beforeAll(async () => {
  // Nothing listens on port 1: Redis is away for the whole suite.
  auth = await startAuth('redis_down', { REDIS_URL: 'redis://127.0.0.1:1' });
});
afterAll(() => auth?.stop());

describe('sign-in while Redis is away', () => {
  it('answers sign-in and sign-up with 503 promptly instead of hanging, and creates no account', async () => {
    // Both are rate limited in Redis; without it they fail closed rather than unthrottled.
    for (const path of ['/auth/login', '/auth/signup']) {
      const started = Date.now();
      const answer = await call(auth.url, 'POST', path, {
        body: { email: 'ann.redis@example.com', password: PASSWORD },
      });
      expect({ path, status: answer.status, code: answer.body.error.code }).toEqual({
        path,
        status: 503,
        code: 'service_unavailable',
      });
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect(await auth.query('select id from auth.users')).toEqual([]);
  });
});
