import { call, PASSWORD, signUp, startAuth, type TestAuth } from './support';

let auth: TestAuth;
beforeAll(async () => {
  // Nothing listens on port 1: Redis is away for the whole suite.
  auth = await startAuth('redis_down', { REDIS_URL: 'redis://127.0.0.1:1' });
});
afterAll(() => auth?.stop());

describe('sign-in while Redis is away', () => {
  it('answers 503 promptly instead of hanging, and sign-up (no Redis) still works', async () => {
    const user = await signUp(auth.url);
    const started = Date.now();
    const answer = await call(auth.url, 'POST', '/auth/login', { body: { email: user.email, password: PASSWORD } });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('service_unavailable');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
