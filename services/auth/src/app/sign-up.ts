import { ValidationError } from '@flowgenie/platform';
import { normaliseEmail } from '../domain/email';
import { EmailTakenError } from '../domain/errors';
import { passwordProblem } from '../domain/password-policy';
import type { PasswordHasher } from '../ports/password-hasher';
import type { UserRepository } from '../ports/user-repository';
import type { Session, SessionIssuer } from './session-issuer';

export interface SignUpInput {
  email: string;
  password: string;
}

/** Creates an account (email taken: 409) and signs it in. */
export class SignUp {
  constructor(private readonly deps: { users: UserRepository; hasher: PasswordHasher; sessions: SessionIssuer }) {}

  async execute(input: SignUpInput): Promise<Session> {
    const email = normaliseEmail(input.email);
    const problem = passwordProblem(input.password);
    if (problem) throw new ValidationError(`password ${problem}`, [{ path: 'password', message: problem }]);
    const passwordHash = await this.deps.hasher.hash(input.password);
    const user = await this.deps.users.create({ email, passwordHash });
    if (!user) throw new EmailTakenError();
    return this.deps.sessions.start(user);
  }
}
