import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { PayloadStore } from '../payload-store';

/** DeleteObjects takes at most 1000 keys per call. */
const DELETE_BATCH = 1000;

/**
 * The AWS {@link PayloadStore}: one S3 object per payload under `prefix` in `bucket`. S3 acknowledges
 * a PutObject once the object is stored durably, so the event carrying its key may be committed.
 * Expiry is the bucket's lifecycle rule on the prefix (S3 deletes objects older than the retention
 * period); the `Expires` metadata records the intended date for readers and audits.
 *
 * @example
 * const store = new S3PayloadStore({ client: new S3Client({}), bucket: 'flowgenie-payloads-dev' });
 */
export class S3PayloadStore implements PayloadStore {
  private readonly prefix: string;

  constructor(
    private readonly opts: {
      client: S3Client;
      bucket: string;
      /** Key prefix of every object (the lifecycle rule's filter). @default 'payloads/' */
      prefix?: string;
      /** Destroy the client on close (it was created for this store). */
      ownsClient?: boolean;
    },
  ) {
    this.prefix = opts.prefix ?? 'payloads/';
  }

  async put(key: string, body: Buffer, opts: { expiresAt: Date }): Promise<void> {
    await this.opts.client.send(
      new PutObjectCommand({
        Bucket: this.opts.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: 'application/json',
        ContentLength: body.length,
        Expires: opts.expiresAt,
      }),
    );
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.opts.client.send(
        new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.prefix + key }),
      );
      if (!out.Body) return undefined;
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey')
        return undefined;
      throw err;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const out = await this.opts.client.send(
        new DeleteObjectsCommand({
          Bucket: this.opts.bucket,
          Delete: {
            Objects: keys.slice(i, i + DELETE_BATCH).map((k) => ({ Key: this.prefix + k })),
            Quiet: true,
          },
        }),
      );
      const failed = out.Errors ?? [];
      if (failed.length > 0)
        throw new Error(
          `S3 did not delete ${failed.length} payload(s): ${failed[0].Code ?? ''} ${failed[0].Message ?? ''}`.trim(),
        );
    }
  }

  async close(): Promise<void> {
    if (this.opts.ownsClient) this.opts.client.destroy();
  }
}
