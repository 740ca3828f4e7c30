import { RateLimitedError } from '@flowgenie/platform';
import { normaliseEmail } from '../domain/email';
import { InvalidCredentialsError } from '../domain/errors';
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

/**
 * Signs in with email and password. An unknown email costs one password verification too (against
 * a dummy hash) and gives the same error as a wrong password, so neither the answer nor its timing
 * tells whether the account exists. Too many failures per account or IP: 429 before any check.
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
    const verdict = await this.deps.throttle.check(subject);
    if (!verdict.allowed) {
      const minutes = Math.max(1, Math.ceil(verdict.retryAfterSeconds / 60));
      const from = verdict.scope === 'account' ? 'for this account' : 'from this address';
      throw new RateLimitedError(
        `too many failed sign-in attempts ${from}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        verdict.retryAfterSeconds,
      );
    }
    const found = await this.deps.users.findCredentialsByEmail(subject.account);
    const hash = found?.passwordHash ?? (await this.deps.hasher.dummyHash());
    const matches = await this.deps.hasher.verify(hash, input.password);
    if (!found || !matches) {
      await this.deps.throttle.recordFailure(subject);
      throw new InvalidCredentialsError();
    }
    await this.deps.throttle.clearAccount(subject.account);
    return this.deps.sessions.start(found.user);
  }
}
