export interface User {
  id: string;
  email: string;
  createdAt: Date;
}

/** A user as the sign-in check needs it; the hash never leaves the app layer. */
export interface UserCredentials {
  user: User;
  passwordHash: string;
}
