import { PayloadClaimCheck, type PayloadStore } from './payload-store';

/** A store in memory that counts reads. */
class CountingStore implements PayloadStore {
  readonly rows = new Map<string, Buffer>();
  reads = 0;
  async put(key: string, body: Buffer) {
    this.rows.set(key, body);
  }
  async get(key: string) {
    this.reads += 1;
    return this.rows.get(key);
  }
  async delete(keys: string[]) {
    for (const k of keys) this.rows.delete(k);
  }
  async close() {}
}

const text = (kb: number) => ({ t: 'x'.repeat(kb * 1024) });

describe('PayloadClaimCheck', () => {
  it('reads a stored payload once while it stays in the bounded cache', async () => {
    const store = new CountingStore();
    const claims = new PayloadClaimCheck({
      store,
      inlineMaxBytes: 1024,
      retentionMs: 1000,
      cacheMaxBytes: 250 * 1024,
    });
    const a = await claims.checkIn(text(100), 'a');
    const b = await claims.checkIn(text(100), 'b');
    const c = await claims.checkIn(text(100), 'c');
    await claims.resolve(a);
    await claims.resolve(a);
    expect(store.reads).toBe(1);
    // Two fit in 250 KiB: reading b and c evicts a, the least recently used.
    await claims.resolve(b);
    await claims.resolve(c);
    await claims.resolve(a);
    expect(store.reads).toBe(4);
  });

  it('reads a cached payload again once it went unread for the cache TTL', async () => {
    const store = new CountingStore();
    let now = new Date('2026-12-01T12:00:00Z');
    const claims = new PayloadClaimCheck({
      store,
      inlineMaxBytes: 1024,
      retentionMs: 3600_000,
      cacheTtlMs: 30_000,
      now: () => now,
    });
    const a = await claims.checkIn(text(100), 'a');
    await claims.resolve(a);
    now = new Date(now.getTime() + 20_000);
    await claims.resolve(a); // used again: its 30 s start over
    now = new Date(now.getTime() + 20_000);
    await claims.resolve(a);
    expect(store.reads).toBe(1);

    now = new Date(now.getTime() + 31_000);
    expect(await claims.resolve(a)).toEqual(text(100));
    expect(store.reads).toBe(2);
  });

  it('never serves a released payload from the cache', async () => {
    const store = new CountingStore();
    const claims = new PayloadClaimCheck({ store, inlineMaxBytes: 1024, retentionMs: 1000 });
    const a = await claims.checkIn(text(10), 'a');
    await expect(claims.resolve(a)).resolves.toEqual(text(10));
    await claims.release(a);
    await expect(claims.resolve(a)).rejects.toMatchObject({ code: 'payload_expired' });
  });

  it('stores with the retention as expiry, and leaves undefined and small values inline', async () => {
    const puts: Date[] = [];
    const store = new CountingStore();
    store.put = async (key, body, opts?: { expiresAt: Date }) => {
      puts.push(opts!.expiresAt);
      store.rows.set(key, body);
    };
    const now = new Date('2026-12-01T00:00:00Z');
    const claims = new PayloadClaimCheck({
      store,
      inlineMaxBytes: 1024,
      retentionMs: 5000,
      now: () => now,
    });
    await expect(claims.checkIn(undefined, 'u')).resolves.toEqual({ payload: undefined });
    await expect(claims.checkIn({ a: 1 }, 's')).resolves.toEqual({ payload: { a: 1 } });
    await claims.checkIn(text(2), 'big');
    expect(puts).toEqual([new Date('2026-12-01T00:00:05Z')]);
  });

  it('decides by UTF-8 bytes, not characters: 600 two-byte characters exceed a 1024-byte limit', async () => {
    const store = new CountingStore();
    const claims = new PayloadClaimCheck({ store, inlineMaxBytes: 1024, retentionMs: 1000 });
    await expect(claims.checkIn('é'.repeat(500), 'fits')).resolves.toEqual({
      payload: 'é'.repeat(500),
    });
    await expect(claims.checkIn('é'.repeat(600), 'over')).resolves.toEqual({
      payloadRef: { key: 'over', bytes: 1202 },
    });
    expect([...store.rows.keys()]).toEqual(['over']);
  });
});
