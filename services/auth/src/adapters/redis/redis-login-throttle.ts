import { createHash } from 'node:crypto';
import { ServiceUnavailableError, type Redis } from '@flowgenie/platform';
import type {
  LoginAttemptSubject,
  LoginThrottle,
  ThrottleScope,
  ThrottleVerdict,
} from '../../ports/login-throttle';

export interface LoginThrottleLimits {
  /** Failures of one account from one address before each further attempt waits. */
  failuresBeforeBackoff: number;
  /** The first wait; it doubles with every further failure, up to `backoffMaxSeconds`. */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  /** Ceiling per account across all addresses within the window (a distributed guesser). */
  maxFailuresPerAccount: number;
  /** Ceiling per address across all accounts within the window (one guesser spraying accounts). */
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/**
 * KEYS: pair backoff hash, account counter, ip counter. ARGV: failuresBeforeBackoff, baseMs, maxMs,
 * windowMs, maxPerAccount, maxPerIp. Returns {0, 0} when allowed (and counted), else
 * {1|2|3 (pair|account|ip), milliseconds to wait}. One script = one atomic step: no attempt can pass
 * the check between another's check and its count.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nextAt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if nextAt > now then return {1, nextAt - now} end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[5]) then return {2, redis.call('PTTL', KEYS[2])} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[6]) then return {3, redis.call('PTTL', KEYS[3])} end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
local delay = 0
local free = tonumber(ARGV[1])
if n >= free then delay = math.floor(math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (n - free))) end
redis.call('HSET', KEYS[1], 'next', now + delay)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + delay)
for i = 2, 3 do
  redis.call('INCR', KEYS[i])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
return {0, 0}
`;

/** KEYS as for RESERVE: forget the pair's backoff, take the attempt back from both counters. */
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 0
`;

const SCOPES: ThrottleScope[] = ['pair', 'account', 'ip'];

/**
 * Sign-in throttling in Redis: an exponential backoff per (account, address), so a guesser at one
 * account from one place slows to one try per `backoffMaxSeconds` while its owner elsewhere is
 * untouched; plus fixed-window ceilings per account (across addresses, looser) and per address.
 * Keys hold a hash of the email, never the email itself.
 */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: LoginThrottleLimits,
  ) {}

  async reserve(subject: LoginAttemptSubject): Promise<ThrottleVerdict> {
    const l = this.limits;
    const [code, waitMs] = (await this.guard(() =>
      this.redis.eval(
        RESERVE,
        3,
        ...this.keysOf(subject),
        l.failuresBeforeBackoff,
        l.backoffBaseSeconds * 1000,
        l.backoffMaxSeconds * 1000,
        l.windowSeconds * 1000,
        l.maxFailuresPerAccount,
        l.maxFailuresPerIp,
      ),
    )) as [number, number];
    if (code === 0) return { allowed: true };
    // A key that expired between the check and PTTL (-2) means the wait is over: one second.
    return {
      allowed: false,
      scope: SCOPES[code - 1],
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  }

  async succeeded(subject: LoginAttemptSubject): Promise<void> {
    await this.guard(() => this.redis.eval(SUCCEEDED, 3, ...this.keysOf(subject)));
  }

  private keysOf(subject: LoginAttemptSubject): [string, string, string] {
    const account = createHash('sha256').update(subject.account, 'utf8').digest('hex');
    const base = `${this.prefix}:auth:login`;
    return [
      `${base}-backoff:${account}:${subject.ip}`,
      `${base}-failures:account:${account}`,
      `${base}-failures:ip:${subject.ip}`,
    ];
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new ServiceUnavailableError(
        'sign-in is temporarily unavailable; try again shortly',
        undefined,
        { cause: err },
      );
    }
  }
}
