import { RateLimitedError } from '@flowgenie/platform/errors';
import { InvalidCredentialsError } from '../domain/errors';
import type { User } from '../domain/user';
import type { AccessTokenIssuer } from '../ports/access-token-issuer';
import type { LoginAttemptSubject, LoginThrottle, ThrottleVerdict } from '../ports/login-throttle';
import type { PasswordHasher } from '../ports/password-hasher';
import type { RefreshTokenRepository } from '../ports/refresh-token-repository';
import type { UserRepository } from '../ports/user-repository';
import { LogIn } from './log-in';
import { SessionIssuer } from './session-issuer';

const ann: User = {
  id: '00000000-0000-4000-8000-000000000001',
  email: 'ann@example.com',
  createdAt: new Date(),
};

/** Hashes are `hash:<password>`; every verify is recorded with the hash it was checked against. */
class FakeHasher implements PasswordHasher {
  readonly verified: string[] = [];
  async hash(password: string) {
    return `hash:${password}`;
  }
  async verify(hash: string, password: string) {
    this.verified.push(hash);
    return hash === `hash:${password}`;
  }
  async dummyHash() {
    return 'hash:dummy-never-matches\u0000';
  }
}

class FakeThrottle implements LoginThrottle {
  reserved: LoginAttemptSubject[] = [];
  succeededFor: LoginAttemptSubject[] = [];
  verdict: ThrottleVerdict = { allowed: true };
  async reserve(subject: LoginAttemptSubject) {
    this.reserved.push(subject);
    return this.verdict;
  }
  async succeeded(subject: LoginAttemptSubject) {
    this.succeededFor.push(subject);
  }
}

function makeLogIn() {
  const hasher = new FakeHasher();
  const throttle = new FakeThrottle();
  const users: UserRepository = {
    create: async () => null,
    findById: async (id) => (id === ann.id ? ann : null),
    findCredentialsByEmail: async (email) =>
      email === ann.email ? { user: ann, passwordHash: 'hash:correct horse battery' } : null,
  };
  const refreshTokens: RefreshTokenRepository = {
    startFamily: async () => 'family-1',
    findByHash: async () => null,
    rotate: async () => true,
    addToFamily: async () => true,
    revokeFamily: async () => undefined,
  };
  const accessTokens: AccessTokenIssuer = {
    issue: async () => ({ token: 'access', expiresIn: 900 }),
    publicKeys: () => ({ keys: [] }),
  };
  const sessions = new SessionIssuer({
    accessTokens,
    refreshTokens,
    clock: { now: () => new Date() },
    refreshTtlDays: 30,
  });
  return { logIn: new LogIn({ users, hasher, throttle, sessions }), hasher, throttle };
}

describe('LogIn', () => {
  it('signs in with the right password, normalising the email, and forgives the account its failures', async () => {
    const { logIn, throttle } = makeLogIn();
    const session = await logIn.execute({
      email: ' Ann@Example.com ',
      password: 'correct horse battery',
      ip: '10.0.0.1',
    });
    expect(session.user).toEqual(ann);
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(throttle.succeededFor).toEqual([{ account: 'ann@example.com', ip: '10.0.0.1' }]);
  });

  it('checks an unknown email against the dummy hash, so it costs as much as a wrong password', async () => {
    const { logIn, hasher } = makeLogIn();
    await expect(
      logIn.execute({ email: 'nobody@example.com', password: 'whatever123', ip: '10.0.0.1' }),
    ).rejects.toThrow(InvalidCredentialsError);
    await expect(
      logIn.execute({ email: 'ann@example.com', password: 'wrong password', ip: '10.0.0.1' }),
    ).rejects.toThrow(InvalidCredentialsError);
    expect(hasher.verified).toEqual([
      'hash:dummy-never-matches\u0000',
      'hash:correct horse battery',
    ]);
  });

  it('counts the attempt before checking, and takes nothing back for a failure, existing account or not', async () => {
    const { logIn, throttle } = makeLogIn();
    await expect(
      logIn.execute({ email: 'nobody@example.com', password: 'whatever123', ip: '10.0.0.9' }),
    ).rejects.toThrow();
    expect(throttle.reserved).toEqual([{ account: 'nobody@example.com', ip: '10.0.0.9' }]);
    expect(throttle.succeededFor).toEqual([]);
  });

  it('refuses a throttled attempt before checking the password, even a correct one', async () => {
    const { logIn, hasher, throttle } = makeLogIn();
    throttle.verdict = { allowed: false, scope: 'account', retryAfterSeconds: 600 };
    const attempt = logIn.execute({
      email: 'ann@example.com',
      password: 'correct horse battery',
      ip: '10.0.0.1',
    });
    await expect(attempt).rejects.toThrow(RateLimitedError);
    await expect(attempt).rejects.toMatchObject({
      retryAfterSeconds: 600,
      message: 'too many failed sign-in attempts for this account; try again in 10 minutes',
    });
    expect(hasher.verified).toEqual([]);
    throttle.verdict = { allowed: false, scope: 'pair', retryAfterSeconds: 4 };
    await expect(
      logIn.execute({ email: 'ann@example.com', password: 'x', ip: '10.0.0.1' }),
    ).rejects.toMatchObject({
      message: 'too many failed sign-in attempts; try again in 4 seconds',
    });
  });
});
