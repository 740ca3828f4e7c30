export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts attempts per key in a fixed window; counting and checking are one atomic step, so a burst
 * cannot slip past the limit.
 *
 * @example
 * const verdict = await signupLimiter.hit(ip);
 * if (!verdict.allowed) throw new RateLimitedError('...', verdict.retryAfterSeconds);
 */
export interface RateLimiter {
  hit(key: string): Promise<RateVerdict>;
}
