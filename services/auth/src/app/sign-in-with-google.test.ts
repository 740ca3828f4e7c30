import type { User } from '../domain/user';
import type { GoogleIdentityRepository } from '../ports/google-identity-repository';
import type { PendingGoogleLinks } from '../ports/pending-google-links';
import type { Session, SessionIssuer } from './session-issuer';
import { SignInWithGoogle } from './sign-in-with-google';

const ann: User = { id: 'u-ann', email: 'ann@example.com', createdAt: new Date() };
const profile = { sub: '1047', email: 'ann@example.com', emailVerified: true };

const sessions = {
  start: async (user: User) =>
    ({
      user,
      accessToken: 'a',
      expiresIn: 900,
      refreshToken: 'r',
      refreshExpiresAt: new Date(),
    }) as Session,
} as unknown as SessionIssuer;
const links: PendingGoogleLinks = { save: async () => 'link-token', take: async () => null };

/** A store where the first read sees nothing and the insert loses a race to `winner`. */
function racingStore(winner: User | null): GoogleIdentityRepository {
  let reads = 0;
  return {
    userForSub: async () => (reads++ === 0 ? null : winner),
    findByEmail: async () => null,
    createUserWithIdentity: async () => null,
    link: async () => 'linked',
  };
}

describe('SignInWithGoogle, when two sign-ins of a new Google user race', () => {
  it('signs the loser in as the user the winner created', async () => {
    const outcome = await new SignInWithGoogle({
      identities: racingStore(ann),
      links,
      sessions,
    }).execute(profile);
    expect(outcome).toMatchObject({ kind: 'session', created: false, session: { user: ann } });
  });

  it('refuses when the email was taken by someone else meanwhile', async () => {
    await expect(
      new SignInWithGoogle({ identities: racingStore(null), links, sessions }).execute(profile),
    ).rejects.toMatchObject({
      code: 'google_account_conflict',
    });
  });
});
