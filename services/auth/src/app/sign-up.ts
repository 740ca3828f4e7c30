import { RateLimitedError, ValidationError } from '@flowgenie/platform/errors';
import { normaliseEmail } from '../domain/email';
import { SignUpRefusedError } from '../domain/errors';
import { passwordProblem } from '../domain/password-policy';
import { waitInWords } from '../domain/wait-words';
import type { PasswordHasher } from '../ports/password-hasher';
import type { RateLimiter } from '../ports/rate-limiter';
import type { UserRepository } from '../ports/user-repository';
import type { Session, SessionIssuer } from './session-issuer';

export interface SignUpInput {
  email: string;
  password: string;
  /** The client's address, for the per-address sign-up limit. */
  ip: string;
}

/**
 * Creates an account and signs it in. Sign-ups per address are limited (counted before any work,
 * taken emails included), which bounds how fast anyone can probe which emails have accounts: a
 * taken email answers 409 with a message that does not name the email (see docs/ARCHITECTURE.md).
 */
export class SignUp {
  constructor(
    private readonly deps: {
      users: UserRepository;
      hasher: PasswordHasher;
      sessions: SessionIssuer;
      limiter: RateLimiter;
    },
  ) {}

  async execute(input: SignUpInput): Promise<Session> {
    const email = normaliseEmail(input.email);
    const problem = passwordProblem(input.password);
    if (problem)
      throw new ValidationError(`password ${problem}`, [{ path: 'password', message: problem }]);
    const verdict = await this.deps.limiter.hit(input.ip);
    if (!verdict.allowed) {
      throw new RateLimitedError(
        `too many sign-ups from this address; try again in ${waitInWords(verdict.retryAfterSeconds)}`,
        verdict.retryAfterSeconds,
      );
    }
    const passwordHash = await this.deps.hasher.hash(input.password);
    const user = await this.deps.users.create({ email, passwordHash });
    if (!user) throw new SignUpRefusedError();
    return this.deps.sessions.start(user);
  }
}
