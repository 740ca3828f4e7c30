import { z } from 'zod';
import { GoogleSignInConfigResponseSchema } from './api-connections';

/**
 * Sign in with Google: linking a Google account to the password account with the same email.
 * A Google sign-in whose email belongs to a password account stops at `/login?link=<linkToken>`;
 * the user signs in with the password, then the web app sends the token here with that session.
 * (The config answer, GoogleSignInConfigResponseSchema, is in api-connections.ts.)
 */
export const LinkGoogleRequestSchema = z.object({
  linkToken: z
    .string()
    .min(1)
    .max(200)
    .describe('The `link` query parameter of `/login?link=...`.'),
});
export type LinkGoogleRequest = z.infer<typeof LinkGoogleRequestSchema>;
export const LinkGoogleResponseSchema = z.object({
  linked: z.literal(true),
  /** The Google account's email, now signing in as the caller. */
  email: z.string(),
});
export type LinkGoogleResponse = z.infer<typeof LinkGoogleResponseSchema>;

/**
 * Codes the Google callback puts in `/login?error=<code>` (and the API's error codes for the same
 * conditions). The login page shows a message for each.
 */
export const GOOGLE_SIGN_IN_ERROR_CODES = [
  'google_email_unverified',
  'google_access_denied',
  'google_state_invalid',
  'google_sign_in_failed',
  'google_account_conflict',
  'google_sign_in_disabled',
] as const;
export type GoogleSignInErrorCode = (typeof GOOGLE_SIGN_IN_ERROR_CODES)[number];

export type GoogleSignInConfigResponse = z.infer<typeof GoogleSignInConfigResponseSchema>;
