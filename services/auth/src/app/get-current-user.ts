import { UnknownUserError } from '../domain/errors';
import type { User } from '../domain/user';
import type { UserRepository } from '../ports/user-repository';

export class GetCurrentUser {
  constructor(private readonly deps: { users: UserRepository }) {}

  async execute(input: { userId: string }): Promise<User> {
    const user = await this.deps.users.findById(input.userId);
    if (!user) throw new UnknownUserError();
    return user;
  }
}
