/** Whom a sign-in attempt counts against. */
export interface LoginAttemptSubject {
  /** Normalised email (existing account or not, so the limit reveals nothing). */
  account: string;
  ip: string;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; scope: 'account' | 'ip'; retryAfterSeconds: number };

/**
 * Counts failed sign-ins per account and per client IP within a window.
 *
 * @example
 * const verdict = await throttle.check({ account: email, ip });
 * if (!verdict.allowed) throw new RateLimitedError('...', verdict.retryAfterSeconds);
 */
export interface LoginThrottle {
  check(subject: LoginAttemptSubject): Promise<ThrottleVerdict>;
  recordFailure(subject: LoginAttemptSubject): Promise<void>;
  /** After a successful sign-in: the account's failures are forgiven (the IP's are not). */
  clearAccount(account: string): Promise<void>;
}
