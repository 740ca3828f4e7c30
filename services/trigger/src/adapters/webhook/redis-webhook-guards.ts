import type { Redis } from '@flowgenie/platform';
import type {
  RateVerdict,
  ReplayClaim,
  SignatureReplayGuard,
  WebhookRateLimiter,
} from '../../ports/webhook-guards';

/** Fixed one-minute windows: the node's `rateLimitPerMinute` and the configured defaults are per minute. */
export const RATE_WINDOW_SECONDS = 60;

/**
 * Both counters are read, checked and counted in one script, so concurrent calls cannot slip past
 * a limit and a refused call uses up nothing. ARGV[4] calls at most are granted at once (a lease,
 * spent by this process without asking again), never more than either budget has left. Returns
 * {0, calls granted, ms left in the window} or {1|2, ms left} (1: hook, 2: ip).
 */
const TAKE_SCRIPT = `
local hook = tonumber(redis.call('GET', KEYS[1]) or '0')
local ip = tonumber(redis.call('GET', KEYS[2]) or '0')
if ip >= tonumber(ARGV[2]) then return {2, redis.call('PTTL', KEYS[2])} end
if hook >= tonumber(ARGV[1]) then return {1, redis.call('PTTL', KEYS[1])} end
local n = math.min(tonumber(ARGV[4]), tonumber(ARGV[1]) - hook, tonumber(ARGV[2]) - ip)
local left = {}
for i, key in ipairs(KEYS) do
  redis.call('INCRBY', key, n)
  -- A new counter, or one that lost its expiry: the window starts now.
  if redis.call('PTTL', key) < 0 then redis.call('EXPIRE', key, ARGV[3]) end
  left[i] = redis.call('PTTL', key)
end
return {0, n, math.min(left[1], left[2])}
`;

/** The script as a client command: EVALSHA (EVAL once after a Redis restart), not its text per call. */
const TAKE_COMMAND = 'flowgenieHookRateTake';

/**
 * A pair of hook and client IP asks for one call at its first call in a window, then for as many
 * as it was granted so far (1, 1, 2, 4, …): a pair that calls once strands nothing, and a busy one
 * leaves at most about half of what it used unspent. A lease is also at most this share of the
 * smaller budget, and at most LEASE_AT_MOST calls. Below 200 calls a minute (the defaults are 120
 * and 600) every call asks Redis, as before.
 */
const LEASE_SHARE = 1 / 100;
const LEASE_AT_MOST = 50;
/** Pairs remembered at most (each until its window ends). */
const LEASES_KEPT = 10_000;

type TakeCommand = (...args: (string | number)[]) => Promise<[number, number, number?]>;

interface Lease {
  left: number;
  /** Calls granted to this process in this window (the next lease's size). */
  granted: number;
  /** When the window (the first of the two counters to expire) ends, in ms since the epoch. */
  until: number;
}

/**
 * Fixed one-minute windows in Redis, shared by every process. A busy hook with a high budget
 * takes its calls from Redis in leases of several (see LEASE_SHARE): one round trip serves those
 * calls, and the budget still holds across processes (every call granted was counted in Redis).
 */
export class RedisWebhookRateLimiter implements WebhookRateLimiter {
  private readonly takeCommand: TakeCommand;
  /** Calls granted to this process and not yet spent, by hook, IP and budgets. */
  private readonly leases = new Map<string, Lease>();

  constructor(private readonly deps: { redis: Redis; prefix: string; now?: () => number }) {
    const client = deps.redis as unknown as Record<string, TakeCommand | undefined>;
    if (!client[TAKE_COMMAND])
      deps.redis.defineCommand(TAKE_COMMAND, { numberOfKeys: 2, lua: TAKE_SCRIPT });
    this.takeCommand = (client[TAKE_COMMAND] as TakeCommand).bind(deps.redis);
  }

  async take(input: {
    hookId: string;
    ip: string;
    perHook: number;
    perIp: number;
  }): Promise<RateVerdict> {
    const now = this.deps.now?.() ?? Date.now();
    const leaseKey = `${input.hookId}\n${input.ip}\n${input.perHook}\n${input.perIp}`;
    let lease = this.leases.get(leaseKey);
    if (lease && lease.until <= now) {
      this.leases.delete(leaseKey);
      lease = undefined;
    }
    if (lease && lease.left > 0) {
      lease.left -= 1;
      return { allowed: true };
    }
    const keys = [
      `${this.deps.prefix}hook-rate:hook:${input.hookId}`,
      `${this.deps.prefix}hook-rate:ip:${input.ip}`,
    ];
    const size = Math.min(
      LEASE_AT_MOST,
      Math.max(1, Math.floor(Math.min(input.perHook, input.perIp) * LEASE_SHARE)),
      Math.max(1, lease?.granted ?? 0),
    );
    const [which, first, second] = await this.takeCommand(
      ...keys,
      input.perHook,
      input.perIp,
      RATE_WINDOW_SECONDS,
      size,
    );
    if (which === 0) {
      this.keep(leaseKey, first, now + (second ?? 0));
      return { allowed: true };
    }
    return {
      allowed: false,
      scope: which === 1 ? 'hook' : 'ip',
      limit: which === 1 ? input.perHook : input.perIp,
      retryAfterSeconds: Math.max(1, Math.ceil(first / 1000)),
    };
  }

  /** Keeps `granted` calls, one of them spent now, until `until` (with those granted before). */
  private keep(leaseKey: string, granted: number, until: number): void {
    const held = this.leases.get(leaseKey);
    if (held) {
      held.left += granted - 1;
      held.granted += granted;
      held.until = Math.min(held.until, until);
      return;
    }
    if (this.leases.size >= LEASES_KEPT) {
      const oldest = this.leases.keys().next().value;
      if (oldest !== undefined) this.leases.delete(oldest);
    }
    this.leases.set(leaseKey, { left: granted - 1, granted, until });
  }
}

export class RedisSignatureReplayGuard implements SignatureReplayGuard {
  constructor(private readonly deps: { redis: Redis; prefix: string }) {}

  async claim(key: string, tag: string, ttlSeconds: number): Promise<ReplayClaim> {
    const redisKey = `${this.deps.prefix}hook-seen:${key}`;
    const set = await this.deps.redis.set(
      redisKey,
      tag,
      'EX',
      Math.max(1, Math.ceil(ttlSeconds)),
      'NX',
    );
    if (set === 'OK') return { first: true };
    return { first: false, tag: (await this.deps.redis.get(redisKey)) ?? '' };
  }

  async release(key: string): Promise<void> {
    await this.deps.redis.del(`${this.deps.prefix}hook-seen:${key}`);
  }
}
