import type { Redis } from '@flowgenie/platform';
import type { StoredTestListener, TestListenerStore } from '../../ports/test-listener-store';

/** How long a listener and its capture stay readable after the wait (the builder shows the sample). */
const KEEP_SECONDS = 15 * 60;

type Meta = Omit<StoredTestListener, 'status' | 'captured'>;

/**
 * Three keys per listener: `meta` (who, which workflow), `waiting` (exists while the test URL
 * takes a call; deleting it is the one atomic claim) and `captured` (the sample).
 */
export class RedisTestListenerStore implements TestListenerStore {
  constructor(private readonly deps: { redis: Redis; prefix: string }) {}

  private key(id: string, part: 'meta' | 'waiting' | 'captured') {
    return `${this.deps.prefix}test-hook:${id}:${part}`;
  }

  async open(listener: Meta, listenSeconds: number): Promise<void> {
    await this.deps.redis
      .multi()
      .set(
        this.key(listener.id, 'meta'),
        JSON.stringify(listener),
        'EX',
        listenSeconds + KEEP_SECONDS,
      )
      .set(this.key(listener.id, 'waiting'), '1', 'EX', listenSeconds)
      .exec();
  }

  async get(id: string): Promise<StoredTestListener | undefined> {
    const [meta, waiting, captured] = await this.deps.redis.mget(
      this.key(id, 'meta'),
      this.key(id, 'waiting'),
      this.key(id, 'captured'),
    );
    if (!meta) return undefined;
    const base = JSON.parse(meta) as Meta;
    if (captured) return { ...base, status: 'captured', captured: JSON.parse(captured) };
    return { ...base, status: waiting ? 'waiting' : 'expired' };
  }

  async take(id: string): Promise<StoredTestListener | undefined> {
    if ((await this.deps.redis.del(this.key(id, 'waiting'))) !== 1) return undefined;
    const meta = await this.deps.redis.get(this.key(id, 'meta'));
    return meta ? { ...(JSON.parse(meta) as Meta), status: 'expired' } : undefined;
  }

  async capture(id: string, captured: NonNullable<StoredTestListener['captured']>) {
    await this.deps.redis.set(
      this.key(id, 'captured'),
      JSON.stringify(captured),
      'EX',
      KEEP_SECONDS,
    );
  }

  async remove(id: string): Promise<void> {
    await this.deps.redis.del(
      this.key(id, 'meta'),
      this.key(id, 'waiting'),
      this.key(id, 'captured'),
    );
  }
}
