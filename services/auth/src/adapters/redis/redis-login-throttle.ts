import { createHash } from 'node:crypto';
import { ServiceUnavailableError, type Redis } from '@flowgenie/platform';
import type { LoginAttemptSubject, LoginThrottle, ThrottleVerdict } from '../../ports/login-throttle';

export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/**
 * Fixed-window failure counters in Redis: the first failure starts a window of `windowSeconds`;
 * at the limit, attempts are refused until the window ends. Account keys use a hash of the email,
 * so Redis holds no addresses.
 */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limits: LoginThrottleLimits,
  ) {}

  async check(subject: LoginAttemptSubject): Promise<ThrottleVerdict> {
    const keys = this.keysOf(subject);
    return this.guard(async () => {
      const [account, ip] = await this.redis.mget(keys.account, keys.ip);
      if (Number(account ?? 0) >= this.limits.maxFailuresPerAccount) {
        return { allowed: false, scope: 'account', retryAfterSeconds: await this.secondsLeft(keys.account) };
      }
      if (Number(ip ?? 0) >= this.limits.maxFailuresPerIp) {
        return { allowed: false, scope: 'ip', retryAfterSeconds: await this.secondsLeft(keys.ip) };
      }
      return { allowed: true };
    });
  }

  async recordFailure(subject: LoginAttemptSubject): Promise<void> {
    const keys = this.keysOf(subject);
    const window = this.limits.windowSeconds;
    await this.guard(() =>
      this.redis
        .multi()
        .incr(keys.account)
        .expire(keys.account, window, 'NX')
        .incr(keys.ip)
        .expire(keys.ip, window, 'NX')
        .exec(),
    );
  }

  async clearAccount(account: string): Promise<void> {
    await this.guard(() => this.redis.del(this.accountKey(account)));
  }

  private keysOf(subject: LoginAttemptSubject) {
    return { account: this.accountKey(subject.account), ip: `${this.prefix}:auth:login-failures:ip:${subject.ip}` };
  }

  private accountKey(account: string): string {
    const digest = createHash('sha256').update(account, 'utf8').digest('hex');
    return `${this.prefix}:auth:login-failures:account:${digest}`;
  }

  private async secondsLeft(key: string): Promise<number> {
    const ms = await this.redis.pttl(key);
    if (ms > 0) return Math.ceil(ms / 1000);
    // -2: the window ended just now; -1 (no expiry) cannot happen after INCR + EXPIRE NX in one MULTI.
    return ms === -2 ? 1 : this.limits.windowSeconds;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new ServiceUnavailableError('sign-in is temporarily unavailable; try again shortly', undefined, { cause: err });
    }
  }
}
