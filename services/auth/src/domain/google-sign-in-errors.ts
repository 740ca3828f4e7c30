/**
 * Errors of Sign in with Google and account linking. Status-free: each carries a stable `code`;
 * the HTTP adapter (adapters/http/google-sign-in.routes.ts) owns the code → status table, and the
 * browser callback turns a code into `/login?error=<code>`.
 */
export abstract class GoogleSignInError extends Error {
  abstract readonly code: GoogleSignInErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type GoogleSignInErrorCode =
  | 'google_sign_in_disabled'
  | 'google_email_unverified'
  | 'google_link_invalid'
  | 'google_identity_taken'
  | 'google_account_conflict';

/** GOOGLE_CLIENT_ID (or its secret) is not configured. */
export class GoogleSignInDisabledError extends GoogleSignInError {
  readonly code = 'google_sign_in_disabled';
}

/** Google does not vouch for the email: signing in with it could take over someone's account. */
export class GoogleEmailUnverifiedError extends GoogleSignInError {
  readonly code = 'google_email_unverified';
  constructor() {
    super(
      'Google has not verified this account’s email address; verify it with Google, then sign in again',
    );
  }
}

/** Unknown, expired or used link token, or one made for another account (all look alike). */
export class GoogleLinkInvalidError extends GoogleSignInError {
  readonly code = 'google_link_invalid';
  constructor() {
    super(
      'this link request is unknown, expired, or for another account: sign in with Google again',
    );
  }
}

/** The Google account already signs in as another user. */
export class GoogleIdentityTakenError extends GoogleSignInError {
  readonly code = 'google_identity_taken';
  constructor() {
    super('this Google account is already linked to another FlowGenie account');
  }
}

/**
 * The email belongs to a user that has no password to prove ownership with (made by another
 * Google account): nothing is linked automatically.
 */
export class GoogleAccountConflictError extends GoogleSignInError {
  readonly code = 'google_account_conflict';
  constructor() {
    super(
      'an account with this email is linked to a different Google account; sign in with that one',
    );
  }
}
