export interface User {
  id: string;
  email: string;
  createdAt: Date;
}

/** A user as the sign-in check needs it; the hash never leaves the app layer. */
export interface UserCredentials {
  user: User;
  /** Null when the user signs in with Google only (no password was ever set). */
  passwordHash: string | null;
}
