/**
 * Redis-backed checks a webhook call passes before anything is written: rate limits and the
 * signed-request replay guard. Both are best effort against Redis outages (the use case fails open).
 */
export type RateVerdict =
  | { allowed: true }
  | { allowed: false; scope: 'hook' | 'ip'; limit: number; retryAfterSeconds: number };

export interface WebhookRateLimiter {
  /**
   * Counts one call against the hook's and the client IP's per-minute budgets, atomically; when
   * either budget is used up nothing is counted and the verdict says which and for how long.
   */
  take(input: { hookId: string; ip: string; perHook: number; perIp: number }): Promise<RateVerdict>;
}

export type ReplayClaim = { first: true } | { first: false; tag: string };

export interface SignatureReplayGuard {
  /** Remembers `key` for `ttlSeconds` with `tag`; a second claim of the same key gets the first tag back. */
  claim(key: string, tag: string, ttlSeconds: number): Promise<ReplayClaim>;
  /** Forgets a claim (the call it belonged to wrote nothing, so the sender may retry it). */
  release(key: string): Promise<void>;
}
