import { RateLimitedError } from '@flowgenie/platform';
import { normaliseEmail } from '../domain/email';
import { InvalidCredentialsError } from '../domain/errors';
import { waitInWords } from '../domain/wait-words';
import type { LoginThrottle } from '../ports/login-throttle';
import type { PasswordHasher } from '../ports/password-hasher';
import type { UserRepository } from '../ports/user-repository';
import type { Session, SessionIssuer } from './session-issuer';

export interface LogInInput {
  email: string;
  password: string;
  /** The client's address, for the per-IP failure limit. */
  ip: string;
}

const THROTTLED_FROM = {
  pair: '',
  account: ' for this account',
  ip: ' from this address',
} as const;

/**
 * Signs in with email and password. An unknown email costs one password verification too (against
 * a dummy hash) and gives the same error as a wrong password, so neither the answer nor its timing
 * tells whether the account exists. The throttle counts the attempt before the password is
 * checked; a throttled attempt is 429 and checks nothing, not even a correct password.
 */
export class LogIn {
  constructor(
    private readonly deps: {
      users: UserRepository;
      hasher: PasswordHasher;
      throttle: LoginThrottle;
      sessions: SessionIssuer;
    },
  ) {}

  async execute(input: LogInInput): Promise<Session> {
    const subject = { account: normaliseEmail(input.email), ip: input.ip };
    const verdict = await this.deps.throttle.reserve(subject);
    if (!verdict.allowed) {
      throw new RateLimitedError(
        `too many failed sign-in attempts${THROTTLED_FROM[verdict.scope]}; try again in ${waitInWords(verdict.retryAfterSeconds)}`,
        verdict.retryAfterSeconds,
      );
    }
    const found = await this.deps.users.findCredentialsByEmail(subject.account);
    // A user without a password (made by Sign in with Google) is checked against the dummy hash
    // too: refused like a wrong password, in the same time.
    const hash = found?.passwordHash ?? (await this.deps.hasher.dummyHash());
    const verified = await this.deps.hasher.verify(hash, input.password);
    const matches = verified && found?.passwordHash != null;
    // The failure was counted by reserve already.
    if (!found || !matches) throw new InvalidCredentialsError();
    await this.deps.throttle.succeeded(subject);
    return this.deps.sessions.start(found.user);
  }
}
