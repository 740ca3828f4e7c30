/** A Google sign-in that stopped because the email has a password account: it waits for the proof. */
export interface PendingGoogleLink {
  /** The password account the Google email belongs to: only it may complete the link. */
  userId: string;
  sub: string;
  email: string;
}

/**
 * Short-lived link requests behind opaque tokens (`/login?link=<token>`).
 *
 * @example
 * const token = await links.save({ userId, sub, email });
 * const link = await links.take(token, userId); // once; null for another user or after expiry
 */
export interface PendingGoogleLinks {
  save(link: PendingGoogleLink): Promise<string>;
  /** The link when the token is live and made for `userId`; it is consumed only then. */
  take(token: string, userId: string): Promise<PendingGoogleLink | null>;
}
