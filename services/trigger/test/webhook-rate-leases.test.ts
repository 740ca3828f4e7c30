import { randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '@flowgenie/platform';
import { TEST_REDIS_URL } from '@flowgenie/testing';
import { RedisWebhookRateLimiter } from '../src/adapters/webhook/redis-webhook-guards';

/**
 * Two processes sharing one hook's budget through Redis, each counting the calls it sends there
 * (a limiter per process, as each trigger process has its own).
 */
describe('webhook rate limits shared by processes', () => {
  let redis: Redis;
  const prefix = `fgtest-rate-${randomUUID().slice(0, 8)}:`;
  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** A process's limiter and how many of its calls asked Redis. */
  const aProcess = async (now?: () => number) => {
    const client = redis.duplicate();
    // Connected first: a command sent before is passed on twice (queued, then sent).
    await client.ping();
    let sent = 0;
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((...args: Parameters<typeof send>) => {
      // The limit's script (EVALSHA; its EVAL after a NOSCRIPT is the same call)
      if (args[0].name === 'evalsha') sent += 1;
      return send(...args);
    }) as typeof send;
    return {
      limiter: new RedisWebhookRateLimiter({ redis: client, prefix, now }),
      sent: () => sent,
      close: () => client.disconnect(),
    };
  };
  type Process = Awaited<ReturnType<typeof aProcess>>;

  it('asks Redis for every call under a small budget, and refuses the one past it', async () => {
    const a = await aProcess();
    const b = await aProcess();
    const hookId = randomUUID();
    const call = (p: Process) => p.limiter.take({ hookId, ip: '10.0.0.1', perHook: 5, perIp: 600 });
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await call(a), await call(b));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(5);
    expect(verdicts[5]).toMatchObject({ allowed: false, scope: 'hook', limit: 5 });
    expect(a.sent() + b.sent()).toBe(8);
    a.close();
    b.close();
  });

  it('serves a busy hook with a high budget from leases, never past the budget across processes', async () => {
    // A budget of 1,000 a minute: leases of 10 calls
    const a = await aProcess();
    const b = await aProcess();
    const hookId = randomUUID();
    const call = (p: Process) =>
      p.limiter.take({ hookId, ip: '10.0.0.2', perHook: 1000, perIp: 100_000 });
    const round = async () => {
      const verdicts = await Promise.all([call(a), call(b), call(a), call(b)]);
      return verdicts.filter((v) => v.allowed).length;
    };

    // Act: 800 calls, alternating between the two processes, some at the same time
    let allowed = 0;
    for (let i = 0; i < 200; i += 1) allowed += await round();

    // Assess: all allowed, in about one round trip to Redis per lease
    expect(allowed).toBe(800);
    expect(a.sent() + b.sent()).toBeLessThan(800 / 5);

    // 400 more: never more than the budget, and at most a lease per process left unspent
    for (let i = 0; i < 100; i += 1) allowed += await round();
    expect(allowed).toBeLessThanOrEqual(1000);
    expect(allowed).toBeGreaterThanOrEqual(1000 - 2 * 10);
    expect(Number(await redis.get(`${prefix}hook-rate:hook:${hookId}`))).toBeLessThanOrEqual(1000);
    a.close();
    b.close();
  });

  it('grants a lease to a hook and client IP that keep calling, not to one that calls once', async () => {
    // A budget of 5,000 a minute for the hook, 1,000 per IP: leases of up to 10 calls
    const a = await aProcess();
    const hookId = randomUUID();
    const call = (ip: string) => a.limiter.take({ hookId, ip, perHook: 5000, perIp: 1000 });

    // 500 clients calling once each use 500 calls of the hook's budget, not a lease each
    for (let i = 0; i < 500; i += 1)
      expect(await call(`10.1.${i >> 8}.${i & 255}`)).toEqual({ allowed: true });
    expect(Number(await redis.get(`${prefix}hook-rate:hook:${hookId}`))).toBe(500);

    // One client calling 100 times: its leases grow (1, 1, 2, 4, 8, then 10 at most)
    const before = a.sent();
    for (let i = 0; i < 100; i += 1) expect(await call('10.2.0.1')).toEqual({ allowed: true });
    expect(a.sent() - before).toBeLessThanOrEqual(15);
    const counted = Number(await redis.get(`${prefix}hook-rate:hook:${hookId}`));
    expect(counted - 500).toBeGreaterThanOrEqual(100);
    expect(counted - 500).toBeLessThan(110);
    a.close();
  });

  it('spends no lease of a window that has ended', async () => {
    let clock = Date.now();
    const a = await aProcess(() => clock);
    const hookId = randomUUID();
    const call = () => a.limiter.take({ hookId, ip: '10.0.0.3', perHook: 1000, perIp: 100_000 });
    // Leases of 1, 1, then 2: the fourth call spends the third's lease
    for (let i = 0; i < 4; i += 1) expect(await call()).toEqual({ allowed: true });
    expect(a.sent()).toBe(3);
    // The window's counters expire (here: removed) and the clock passes the window's end: the
    // next call asks Redis, which starts a new window, and the lease starts at 1 again
    await redis.del(`${prefix}hook-rate:hook:${hookId}`, `${prefix}hook-rate:ip:10.0.0.3`);
    clock += 61_000;
    expect(await call()).toEqual({ allowed: true });
    expect(a.sent()).toBe(4);
    expect(Number(await redis.get(`${prefix}hook-rate:hook:${hookId}`))).toBe(1);
    a.close();
  });

  it('gives a counter that lost its expiry a window again', async () => {
    const a = await aProcess();
    const hookId = randomUUID();
    await redis.set(`${prefix}hook-rate:hook:${hookId}`, '3');
    expect(await a.limiter.take({ hookId, ip: '10.0.0.4', perHook: 100, perIp: 100 })).toEqual({
      allowed: true,
    });
    const ttl = await redis.ttl(`${prefix}hook-rate:hook:${hookId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    a.close();
  });
});
