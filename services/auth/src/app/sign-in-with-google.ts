import { decideGoogleSignIn, type GoogleProfile } from '../domain/google-identity';
import { GoogleAccountConflictError } from '../domain/google-sign-in-errors';
import type { User } from '../domain/user';
import type { GoogleIdentityRepository } from '../ports/google-identity-repository';
import type { PendingGoogleLinks } from '../ports/pending-google-links';
import type { Session, SessionIssuer } from './session-issuer';

export type GoogleSignInOutcome =
  | { kind: 'session'; session: Session; created: boolean }
  /** The email has a password account: the user proves it, then links with this token. */
  | { kind: 'link_required'; linkToken: string };

/**
 * Finishes a Google sign-in whose profile came from a verified id_token: signs in the linked user,
 * creates a new one, or asks the password account with the same email to prove itself first
 * (rules in `decideGoogleSignIn`).
 */
export class SignInWithGoogle {
  constructor(
    private readonly deps: {
      identities: GoogleIdentityRepository;
      links: PendingGoogleLinks;
      sessions: SessionIssuer;
    },
  ) {}

  async execute(profile: GoogleProfile): Promise<GoogleSignInOutcome> {
    const [linked, owner] = await Promise.all([
      this.deps.identities.userForSub(profile.sub),
      this.deps.identities.findByEmail(profile.email),
    ]);
    const decision = decideGoogleSignIn(profile, {
      linkedUserId: linked?.id ?? null,
      emailOwner: owner ? { userId: owner.user.id, hasPassword: owner.hasPassword } : null,
    });
    switch (decision.kind) {
      case 'sign_in':
        return {
          kind: 'session',
          session: await this.deps.sessions.start(linked as User),
          created: false,
        };
      case 'create': {
        const user = await this.deps.identities.createUserWithIdentity({
          email: profile.email,
          sub: profile.sub,
        });
        if (user)
          return { kind: 'session', session: await this.deps.sessions.start(user), created: true };
        // The email or the sub was taken between the read and the insert: the same sign-in finishing
        // twice (a double click) has linked the sub by now; anything else is not guessed at.
        const raced = await this.deps.identities.userForSub(profile.sub);
        if (!raced) throw new GoogleAccountConflictError();
        return { kind: 'session', session: await this.deps.sessions.start(raced), created: false };
      }
      case 'link_required':
        return {
          kind: 'link_required',
          linkToken: await this.deps.links.save({
            userId: decision.userId,
            sub: profile.sub,
            email: profile.email,
          }),
        };
    }
  }
}
