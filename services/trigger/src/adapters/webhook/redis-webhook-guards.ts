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
 * Both counters are read, checked and incremented in one script, so concurrent calls cannot slip
 * past a limit and a refused call uses up nothing. Returns {0} or {1|2, ms left} (1: hook, 2: ip).
 */
const TAKE_SCRIPT = `
local hook = tonumber(redis.call('GET', KEYS[1]) or '0')
local ip = tonumber(redis.call('GET', KEYS[2]) or '0')
if ip >= tonumber(ARGV[2]) then return {2, redis.call('PTTL', KEYS[2])} end
if hook >= tonumber(ARGV[1]) then return {1, redis.call('PTTL', KEYS[1])} end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[3]) end
end
return {0, 0}
`;

/** The script as a client command: EVALSHA (EVAL once after a Redis restart), not its text per call. */
const TAKE_COMMAND = 'flowgenieHookRateTake';

type TakeCommand = (...args: (string | number)[]) => Promise<[number, number]>;

export class RedisWebhookRateLimiter implements WebhookRateLimiter {
  private readonly takeCommand: TakeCommand;

  constructor(private readonly deps: { redis: Redis; prefix: string }) {
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
    const keys = [
      `${this.deps.prefix}hook-rate:hook:${input.hookId}`,
      `${this.deps.prefix}hook-rate:ip:${input.ip}`,
    ];
    const [which, msLeft] = await this.takeCommand(
      ...keys,
      input.perHook,
      input.perIp,
      RATE_WINDOW_SECONDS,
    );
    if (which === 0) return { allowed: true };
    return {
      allowed: false,
      scope: which === 1 ? 'hook' : 'ip',
      limit: which === 1 ? input.perHook : input.perIp,
      retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
    };
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
