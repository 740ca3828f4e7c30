import { GoogleAccountConflictError, GoogleEmailUnverifiedError } from './google-sign-in-errors';

/** What FlowGenie keeps from a Google sign-in: the stable id, the email and whether Google verified it. */
export interface GoogleProfile {
  /** Google's stable account id (`sub`); emails can change, this does not. */
  sub: string;
  /** Normalised (trimmed, lower-case). */
  email: string;
  emailVerified: boolean;
}

/** What the store knows about the Google profile's sub and email. */
export interface GoogleSignInFacts {
  /** The user this `sub` is linked to, if any. */
  linkedUserId: string | null;
  /** The user whose email equals the profile's, if any, and whether they have a password. */
  emailOwner: { userId: string; hasPassword: boolean } | null;
}

export type GoogleSignInDecision =
  /** Linked already: sign in as that user (whatever the email says now). */
  | { kind: 'sign_in'; userId: string }
  /** Nobody has the sub or the email: create a user without a password and link the sub. */
  | { kind: 'create' }
  /** A password account has the email: it must prove ownership with the password before linking. */
  | { kind: 'link_required'; userId: string };

/**
 * The linking rules of Sign in with Google (docs/ARCHITECTURE.md, Security):
 * 1. the email must be verified by Google, else nothing happens;
 * 2. a linked `sub` signs in as its user;
 * 3. an unused email gets a new user (no password);
 * 4. an email of a password account is never signed in on Google's word alone: the owner proves
 *    the account with its password, then links;
 * 5. an email of a user without a password (made by another Google account) is refused.
 */
export function decideGoogleSignIn(
  profile: GoogleProfile,
  facts: GoogleSignInFacts,
): GoogleSignInDecision {
  if (!profile.emailVerified) throw new GoogleEmailUnverifiedError();
  if (facts.linkedUserId) return { kind: 'sign_in', userId: facts.linkedUserId };
  if (!facts.emailOwner) return { kind: 'create' };
  if (facts.emailOwner.hasPassword)
    return { kind: 'link_required', userId: facts.emailOwner.userId };
  throw new GoogleAccountConflictError();
}
