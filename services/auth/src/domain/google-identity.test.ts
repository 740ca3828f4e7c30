import { decideGoogleSignIn, type GoogleProfile } from './google-identity';
import { GoogleAccountConflictError, GoogleEmailUnverifiedError } from './google-sign-in-errors';

const profile: GoogleProfile = { sub: '1047', email: 'ann@example.com', emailVerified: true };

describe('decideGoogleSignIn', () => {
  it('refuses an unverified email whatever the store knows', () => {
    const unverified = { ...profile, emailVerified: false };
    expect(() => decideGoogleSignIn(unverified, { linkedUserId: 'u1', emailOwner: null })).toThrow(
      GoogleEmailUnverifiedError,
    );
    expect(() => decideGoogleSignIn(unverified, { linkedUserId: null, emailOwner: null })).toThrow(
      GoogleEmailUnverifiedError,
    );
  });

  it('signs a linked sub in as its user, even when the email now belongs to someone else', () => {
    expect(
      decideGoogleSignIn(profile, {
        linkedUserId: 'u1',
        emailOwner: { userId: 'u2', hasPassword: true },
      }),
    ).toEqual({
      kind: 'sign_in',
      userId: 'u1',
    });
  });

  it('creates a user for an unused email', () => {
    expect(decideGoogleSignIn(profile, { linkedUserId: null, emailOwner: null })).toEqual({
      kind: 'create',
    });
  });

  it('asks a password account to prove itself before linking', () => {
    expect(
      decideGoogleSignIn(profile, {
        linkedUserId: null,
        emailOwner: { userId: 'u2', hasPassword: true },
      }),
    ).toEqual({
      kind: 'link_required',
      userId: 'u2',
    });
  });

  it('refuses an email whose user has no password (made by another Google account)', () => {
    expect(() =>
      decideGoogleSignIn(profile, {
        linkedUserId: null,
        emailOwner: { userId: 'u2', hasPassword: false },
      }),
    ).toThrow(GoogleAccountConflictError);
  });
});
