import { waitFor } from '@flowgenie/testing';
import {
  anEmail,
  call,
  PASSWORD,
  signUp,
  startAuth,
  type TestAuth,
  type HttpAnswer,
} from './support';

let auth: TestAuth;
beforeAll(async () => {
  // The defaults but for two ceilings lowered so the tests reaching them stay short.
  auth = await startAuth('throttling', {
    LOGIN_MAX_FAILURES_PER_IP: '12',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '15',
    SIGNUP_MAX_PER_IP: '5',
  });
});
afterAll(() => auth?.stop());

const post = (path: string, opts: Parameters<typeof call>[3] = {}) =>
  call(auth.url, 'POST', path, opts);
const statuses = (answers: HttpAnswer[]) => answers.map((a) => a.status);
const count = (answers: HttpAnswer[], status: number) =>
  answers.filter((a) => a.status === status).length;

describe('sign-in throttling', () => {
  it('counts 30 parallel wrong passwords before checking them: 5 reach the password check, the rest are 429 with Retry-After', async () => {
    // Prepare
    const owner = await signUp(auth.url);
    const attacker = '198.51.100.10';
    // Act
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        post('/auth/login', {
          body: { email: owner.email, password: 'wrong password' },
          ip: attacker,
        }),
      ),
    );
    // Assess: a 401 is an attempt whose password was checked.
    expect(count(answers, 401)).toBe(5);
    expect(count(answers, 429)).toBe(25);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(refused.body.error.code).toBe('rate_limited');
      expect(refused.body.error.message).toMatch(
        /^too many failed sign-in attempts; try again in \d+ seconds?$/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // The correct password from the same address waits too: nothing is checked while backing off.
    expect(
      (
        await post('/auth/login', {
          body: { email: owner.email, password: PASSWORD },
          ip: attacker,
        })
      ).status,
    ).toBe(429);
    // The owner, elsewhere, signs in at once.
    expect(
      (
        await post('/auth/login', {
          body: { email: owner.email, password: PASSWORD },
          ip: '203.0.113.7',
        })
      ).status,
    ).toBe(200);
  });

  it('backs off exponentially per account and address: each further failure doubles the wait', async () => {
    const owner = await signUp(auth.url);
    const ip = '198.51.100.20';
    const fail = () =>
      post('/auth/login', { body: { email: owner.email, password: 'wrong password' }, ip });
    for (let i = 0; i < 5; i++) expect((await fail()).status).toBe(401);
    const first = Number((await fail()).headers.get('retry-after'));
    expect(first).toBeLessThanOrEqual(2);
    // Redis keeps the time, so the wait passes for real; refused attempts do not count, so retrying is harmless.
    const started = Date.now();
    await waitFor(async () => (await fail()).status === 401, {
      timeoutMs: 5000,
      intervalMs: 200,
      message: 'the first wait is over',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual((first - 1) * 1000);
    const second = Number((await fail()).headers.get('retry-after'));
    expect(second).toBeGreaterThan(2);
    expect(second).toBeLessThanOrEqual(4);
  });

  it('forgets the backoff of an account and address after a successful sign-in', async () => {
    const owner = await signUp(auth.url);
    const ip = '198.51.100.30';
    for (let i = 0; i < 4; i++) {
      expect(
        (
          await post('/auth/login', {
            body: { email: owner.email, password: 'wrong password' },
            ip,
          })
        ).status,
      ).toBe(401);
    }
    expect(
      (await post('/auth/login', { body: { email: owner.email, password: PASSWORD }, ip })).status,
    ).toBe(200);
    const again = await Promise.all(
      Array.from({ length: 4 }, () =>
        post('/auth/login', { body: { email: owner.email, password: 'wrong password' }, ip }),
      ),
    );
    expect(statuses(again)).toEqual([401, 401, 401, 401]);
  });

  it('caps failures per account across addresses (15 here), then refuses even the right password', async () => {
    const owner = await signUp(auth.url);
    // Three addresses, five failures each: none of them backs off yet past its free five.
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          post('/auth/login', { body: { email: owner.email, password: 'wrong password' }, ip }),
        ),
      );
      expect(statuses(answers)).toEqual([401, 401, 401, 401, 401]);
    }
    const blocked = await post('/auth/login', {
      body: { email: owner.email, password: PASSWORD },
      ip: '192.0.2.4',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toBe(
      'too many failed sign-in attempts for this account; try again in 15 minutes',
    );
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('caps failures per address across accounts (12 here)', async () => {
    const ip = '198.51.100.40';
    const sprayed = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/auth/login', {
          body: { email: anEmail('spray'), password: 'guess number one' },
          ip,
        }),
      ),
    );
    expect(count(sprayed, 401)).toBe(12);
    expect(count(sprayed, 429)).toBe(8);
    const user = await signUp(auth.url);
    const blocked = await post('/auth/login', {
      body: { email: user.email, password: PASSWORD },
      ip,
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/from this address/);
    expect(
      (
        await post('/auth/login', {
          body: { email: user.email, password: PASSWORD },
          ip: '198.51.100.41',
        })
      ).status,
    ).toBe(200);
  });
});

describe('sign-up throttling', () => {
  it('creates at most 5 accounts from one address in a burst of 25; the rest are 429 with Retry-After', async () => {
    // Prepare
    const ip = '198.51.100.50';
    const emails = Array.from({ length: 25 }, () => anEmail('burst'));
    // Act
    const answers = await Promise.all(
      emails.map((email) => post('/auth/signup', { body: { email, password: PASSWORD }, ip })),
    );
    // Assess
    expect(count(answers, 201)).toBe(5);
    expect(count(answers, 429)).toBe(20);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toEqual({
      code: 'rate_limited',
      message: 'too many sign-ups from this address; try again in 60 minutes',
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    const created = await auth.query<{ n: number }>(
      'select count(*)::int as n from auth.users where email = any($1)',
      [emails],
    );
    expect(created).toEqual([{ n: 5 }]);
    // Another address is not affected.
    expect(
      (
        await post('/auth/signup', {
          body: { email: anEmail(), password: PASSWORD },
          ip: '198.51.100.51',
        })
      ).status,
    ).toBe(201);
  });
});
