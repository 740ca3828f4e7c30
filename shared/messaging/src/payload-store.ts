import type { PayloadRef } from '@flowgenie/contracts';

/**
 * Where payloads too large to travel on the bus or in a job are stored once (the claim-check
 * pattern): a Postgres table in the `payloads` schema locally, an S3 bucket in AWS. A `put` has
 * returned only once the bytes are durable, so an event that carries the key may be committed.
 *
 * @example
 * await store.put('triggered/<executionId>', Buffer.from(json), { expiresAt });
 * const bytes = await store.get('triggered/<executionId>'); // undefined once expired or deleted
 */
export interface PayloadStore {
  /** Stores (or replaces) `body` under `key`, kept at least until `expiresAt`. */
  put(key: string, body: Buffer, opts: { expiresAt: Date }): Promise<void>;
  /** The stored bytes, or undefined when the key is unknown, deleted or expired. */
  get(key: string): Promise<Buffer | undefined>;
  /** Deletes the keys (unknown keys are ignored). */
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** The stored payload behind a reference is gone (expired, or deleted with its execution). */
export class PayloadMissingError extends Error {
  readonly code = 'payload_expired';
  constructor(readonly ref: PayloadRef) {
    super(
      `the stored payload ${ref.key} (${ref.bytes} bytes) no longer exists: stored payloads are kept for the payload retention period`,
    );
    this.name = 'PayloadMissingError';
  }
}

/** A payload as it travels: inline, or a reference to where it was stored. */
export type CheckedPayload = { payload: unknown } | { payloadRef: PayloadRef };

export interface PayloadClaimCheckOptions {
  store: PayloadStore;
  /** Payloads whose JSON is larger than this many bytes are stored and passed by reference. */
  inlineMaxBytes: number;
  /** How long a stored payload is kept (the execution history and retries read it meanwhile). */
  retentionMs: number;
  /**
   * Bytes of stored JSON whose parsed payloads stay in memory for repeated reads (the steps of one
   * execution); the parsed values take a few times as much heap. @default 32 MiB
   */
  cacheMaxBytes?: number;
  /**
   * A cached payload unread for this long is dropped, so memory returns to its baseline once
   * large payloads stop flowing (the cache serves the steps of one execution, seconds apart).
   * @default 30 s
   */
  cacheTtlMs?: number;
  now?: () => Date;
}

/**
 * The claim check over a {@link PayloadStore}: `checkIn` keeps a small payload inline and stores a
 * large one once, returning its reference; `resolve` turns either back into the value (a few
 * recently read payloads are cached, bounded by their size, as a stored payload never changes).
 *
 * @example
 * const travelling = await claims.checkIn(payload, `triggered/${executionId}`);
 * // { payload } below PAYLOAD_INLINE_MAX_BYTES, else { payloadRef: { key, bytes } }
 * const value = await claims.resolve(travelling);
 */
export class PayloadClaimCheck {
  private readonly cache = new Map<string, { value: unknown; bytes: number; usedAt: number }>();
  private cachedBytes = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly opts: PayloadClaimCheckOptions) {}

  get inlineMaxBytes(): number {
    return this.opts.inlineMaxBytes;
  }

  /**
   * Inline when its JSON fits `inlineMaxBytes`; otherwise stored under `key` (durable when this
   * resolves) and replaced by `{ payloadRef }`. `undefined` travels inline.
   */
  async checkIn(payload: unknown, key: string): Promise<CheckedPayload> {
    if (payload === undefined) return { payload };
    const text = JSON.stringify(payload);
    // Characters never outnumber bytes: most small payloads are decided without encoding.
    if (text.length * 3 <= this.opts.inlineMaxBytes) return { payload };
    const body = Buffer.from(text, 'utf8');
    if (body.length <= this.opts.inlineMaxBytes) return { payload };
    const now = this.opts.now?.() ?? new Date();
    await this.opts.store.put(key, body, {
      expiresAt: new Date(now.getTime() + this.opts.retentionMs),
    });
    return { payloadRef: { key, bytes: body.length } };
  }

  /** The payload itself; @throws PayloadMissingError when the stored one is gone. */
  async resolve(checked: { payload?: unknown; payloadRef?: PayloadRef | null }): Promise<unknown> {
    const ref = checked.payloadRef;
    if (!ref) return checked.payload;
    this.sweep();
    const hit = this.cache.get(ref.key);
    if (hit) {
      // Most recently used last.
      this.cache.delete(ref.key);
      hit.usedAt = this.nowMs();
      this.cache.set(ref.key, hit);
      return hit.value;
    }
    const body = await this.opts.store.get(ref.key);
    if (!body) throw new PayloadMissingError(ref);
    const value: unknown = JSON.parse(body.toString('utf8'));
    this.remember(ref.key, value, body.length);
    return value;
  }

  /** Deletes stored payloads nobody will read (a duplicate firing's, a firing that failed). */
  async release(checked: CheckedPayload | undefined): Promise<void> {
    if (!checked || !('payloadRef' in checked)) return;
    this.forget(checked.payloadRef.key);
    await this.opts.store.delete([checked.payloadRef.key]);
  }

  private remember(key: string, value: unknown, bytes: number): void {
    const max = this.opts.cacheMaxBytes ?? 32 * 1024 * 1024;
    if (bytes > max) return;
    this.cache.set(key, { value, bytes, usedAt: this.nowMs() });
    this.cachedBytes += bytes;
    for (const [oldest, entry] of this.cache) {
      if (this.cachedBytes <= max) break;
      this.cache.delete(oldest);
      this.cachedBytes -= entry.bytes;
    }
    // Nothing may read again once a stream of payloads stops: a timer drops what is left.
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), this.ttlMs() / 2);
      this.sweeper.unref();
    }
  }

  /** Drops the entries unread for the TTL (least recently used first, so it stops at a fresh one). */
  private sweep(): void {
    const stale = this.nowMs() - this.ttlMs();
    for (const [key, entry] of this.cache) {
      if (entry.usedAt > stale) break;
      this.cache.delete(key);
      this.cachedBytes -= entry.bytes;
    }
    if (this.cache.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private ttlMs(): number {
    return this.opts.cacheTtlMs ?? 30_000;
  }

  private nowMs(): number {
    return (this.opts.now?.() ?? new Date()).getTime();
  }

  private forget(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    this.cachedBytes -= entry.bytes;
    if (this.cache.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
