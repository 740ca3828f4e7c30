/** Whom a sign-in attempt counts against. */
export interface LoginAttemptSubject {
  /** Normalised email (existing account or not, so the limit reveals nothing). */
  account: string;
  ip: string;
}

/**
 * `pair`: this account from this address is backing off; `account`: the account's ceiling across
 * all addresses; `ip`: the address's ceiling across all accounts.
 */
export type ThrottleScope = 'pair' | 'account' | 'ip';

export type ThrottleVerdict =
  { allowed: true } | { allowed: false; scope: ThrottleScope; retryAfterSeconds: number };

/**
 * Limits password guessing. `reserve` is one atomic step taken before the password is checked: it
 * refuses when a limit is reached, and otherwise counts the attempt as a failure straight away, so
 * parallel attempts cannot all pass the check before any of them is counted. `succeeded` takes the
 * count back for an attempt that turned out right.
 *
 * @example
 * const verdict = await throttle.reserve({ account: email, ip });
 * if (!verdict.allowed) throw new RateLimitedError('...', verdict.retryAfterSeconds);
 * if (passwordMatches) await throttle.succeeded({ account: email, ip });
 */
export interface LoginThrottle {
  reserve(subject: LoginAttemptSubject): Promise<ThrottleVerdict>;
  /** The attempt was right: its failure is taken back and this (account, address) backoff forgotten. */
  succeeded(subject: LoginAttemptSubject): Promise<void>;
}
