import { randomBytes } from 'node:crypto';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Kysely } from 'kysely';
import { createDb, createLogger, sql } from '@flowgenie/platform';
import { createTestDatabase, type TestDatabase } from '@flowgenie/testing';
import { PayloadClaimCheck, PayloadMissingError, type PayloadStore } from '../src';
import { S3PayloadStore } from '../src/aws';
import { createPayloadStore } from '../src/bus-factory';
import { PgPayloadStore } from '../src/outbox/outbox';

const logger = createLogger({ service: 'payload-test', level: 'silent' });
const DAY = 24 * 3600_000;
const big = (bytes: number) => ({ blob: 'x'.repeat(bytes), nested: { n: 1 } });

describe('local payload store (Postgres, schema payloads)', () => {
  let testDb: TestDatabase;
  let db: Kysely<unknown>;
  let other: Kysely<unknown>;
  let store: PgPayloadStore;
  beforeAll(async () => {
    testDb = await createTestDatabase('payloads');
    db = createDb<unknown>({ url: testDb.url, schema: 'svc_a' });
    other = createDb<unknown>({ url: testDb.url, schema: 'svc_b' });
    // Two services booting at once create the schema once, without an error.
    [store] = await Promise.all([PgPayloadStore.open(db, { logger }), PgPayloadStore.open(other)]);
  });
  afterAll(async () => {
    await store.close();
    await db.destroy();
    await other.destroy();
    await testDb.drop();
  });

  it('returns what was stored, from another service pool, and nothing once deleted', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    await store.put('triggered/a', body, { expiresAt: new Date(Date.now() + DAY) });
    const reader = await PgPayloadStore.open(other);
    expect((await reader.get('triggered/a'))?.equals(body)).toBe(true);
    await store.delete(['triggered/a', 'unknown']);
    expect(await reader.get('triggered/a')).toBeUndefined();
  });

  it('treats an expired payload as gone and deletes expired rows in bounded batches', async () => {
    const past = new Date(Date.now() - 1000);
    for (const key of ['old/1', 'old/2', 'old/3'])
      await store.put(key, Buffer.from('{}'), { expiresAt: past });
    await store.put('fresh', Buffer.from('{}'), { expiresAt: new Date(Date.now() + DAY) });
    expect(await store.get('old/1')).toBeUndefined();
    expect(await store.deleteExpired(new Date(), 2)).toBe(2);
    expect(await store.deleteExpired(new Date(), 2)).toBe(1);
    const { rows } = await sql<{ key: string }>`select key from payloads.payloads`.execute(db);
    expect(rows.map((r) => r.key)).toEqual(['fresh']);
  });

  it('sweeps expired payloads by itself after a put', async () => {
    const sweeping = await PgPayloadStore.open(db, { sweepEveryMs: 0 });
    await sweeping.put('old/x', Buffer.from('{}'), { expiresAt: new Date(Date.now() - 1000) });
    await sweeping.put('new/x', Buffer.from('{}'), { expiresAt: new Date(Date.now() + DAY) });
    await sweeping.close();
    const { rows } = await sql<{ key: string }>`
      select key from payloads.payloads where key = 'old/x'`.execute(db);
    expect(rows).toEqual([]);
  });

  it('is what PAYLOAD_STORE=local gives', async () => {
    const chosen = await createPayloadStore(
      {
        PAYLOAD_STORE: 'local',
        PAYLOAD_INLINE_MAX_BYTES: 65536,
        PAYLOAD_RETENTION_DAYS: 30,
      },
      { db, logger },
    );
    expect(chosen).toBeInstanceOf(PgPayloadStore);
  });

  describe('claim check over it', () => {
    const claims = () =>
      new PayloadClaimCheck({ store, inlineMaxBytes: 64 * 1024, retentionMs: DAY });

    it('keeps a payload at the limit inline and stores a larger one once, by reference', async () => {
      const check = claims();
      const small = { text: 'a'.repeat(64 * 1024 - 20) };
      expect(Buffer.byteLength(JSON.stringify(small))).toBeLessThanOrEqual(64 * 1024);
      await expect(check.checkIn(small, 'triggered/small')).resolves.toEqual({ payload: small });
      expect(await store.get('triggered/small')).toBeUndefined();

      const payload = big(5 * 1024 * 1024);
      const checked = await check.checkIn(payload, 'triggered/big');
      expect(checked).toEqual({
        payloadRef: { key: 'triggered/big', bytes: Buffer.byteLength(JSON.stringify(payload)) },
      });
      // Another process (a fresh claim check, no cache) reads it back whole.
      await expect(claims().resolve(checked)).resolves.toEqual(payload);
    });

    it('counts bytes, not characters (multi-byte text goes by reference sooner)', async () => {
      const payload = { text: 'é'.repeat(40 * 1024) }; // 40 Ki characters, 80 KiB of UTF-8
      await expect(claims().checkIn(payload, 'triggered/utf8')).resolves.toHaveProperty(
        'payloadRef.bytes',
        80 * 1024 + 11,
      );
    });

    it('says clearly when a stored payload is gone, and release deletes it', async () => {
      const check = claims();
      const checked = await check.checkIn(big(100_000), 'triggered/released');
      await check.release(checked);
      expect(await store.get('triggered/released')).toBeUndefined();
      await expect(check.resolve(checked)).rejects.toBeInstanceOf(PayloadMissingError);
      await expect(check.resolve(checked)).rejects.toMatchObject({ code: 'payload_expired' });
    });
  });
});

describe('S3 payload store (requests checked with aws-sdk-client-mock)', () => {
  const s3 = mockClient(S3Client);
  const store = new S3PayloadStore({
    client: new S3Client({ region: 'eu-west-1' }),
    bucket: 'fg-payloads',
  });
  beforeEach(() => s3.reset());

  it('puts one JSON object under the payloads/ prefix with its expiry', async () => {
    s3.on(PutObjectCommand).resolves({});
    const expiresAt = new Date(Date.now() + DAY);
    await store.put('triggered/e1', Buffer.from('{"a":1}'), { expiresAt });
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({
      Bucket: 'fg-payloads',
      Key: 'payloads/triggered/e1',
      ContentType: 'application/json',
      ContentLength: 7,
      Expires: expiresAt,
    });
    expect(Buffer.from(put.Body as Buffer).toString()).toBe('{"a":1}');
  });

  it('reads an object back, and an unknown key is undefined rather than an error', async () => {
    s3.on(GetObjectCommand, { Key: 'payloads/triggered/e1' }).resolves({
      // The part of the SDK's streaming body the store uses.
      Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('{"a":1}')) } as never,
    });
    s3.on(GetObjectCommand, { Key: 'payloads/triggered/gone' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    expect((await store.get('triggered/e1'))?.toString()).toBe('{"a":1}');
    expect(await store.get('triggered/gone')).toBeUndefined();
  });

  it('passes other S3 failures on (the step retries, the webhook is refused)', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));
    await expect(store.get('triggered/e1')).rejects.toThrow('slow down');
  });

  it('deletes in batches of at most 1000 keys and reports keys S3 could not delete', async () => {
    s3.on(DeleteObjectsCommand).resolves({});
    await store.delete(Array.from({ length: 1500 }, (_, i) => `k${i}`));
    const calls = s3
      .commandCalls(DeleteObjectsCommand)
      .map((c) => c.args[0].input.Delete?.Objects?.length);
    expect(calls).toEqual([1000, 500]);
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'payloads/k1', Code: 'AccessDenied', Message: 'no' }],
    });
    await expect(store.delete(['k1'])).rejects.toThrow('AccessDenied');
  });

  it('is what PAYLOAD_STORE=s3 gives, and needs PAYLOAD_BUCKET', async () => {
    const config = {
      PAYLOAD_STORE: 's3' as const,
      PAYLOAD_INLINE_MAX_BYTES: 65536,
      PAYLOAD_RETENTION_DAYS: 30,
    };
    const deps = {
      db: undefined as unknown as Kysely<unknown>,
      logger,
      s3: new S3Client({ region: 'eu-west-1' }),
    };
    await expect(createPayloadStore(config, deps)).rejects.toThrow('PAYLOAD_BUCKET');
    const chosen: PayloadStore = await createPayloadStore({ ...config, PAYLOAD_BUCKET: 'b' }, deps);
    expect(chosen).toBeInstanceOf(S3PayloadStore);
  });
});
