import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { listenFake, type FakeListenOptions, type StartedFake } from '../common';

export interface FakeKmsOptions extends FakeListenOptions {
  /** The symmetric keys it holds, by ARN (aliases `alias/<name>` map onto them). */
  keys: { arn: string; alias?: string }[];
}

export interface FakeKms extends StartedFake {
  /** Every Encrypt and Decrypt answered, with the key and the encryption context. */
  readonly calls: Array<{
    operation: 'Encrypt' | 'Decrypt';
    keyArn: string;
    context: Record<string, string>;
  }>;
}

const JSON_11 = 'application/x-amz-json-1.1';
const AES = 'aes-256-gcm';

/**
 * A small KMS for tests: Encrypt and Decrypt over the JSON 1.1 protocol the SDK speaks
 * (`X-Amz-Target: TrentService.Encrypt|Decrypt`, blobs as base64). Each key is a random AES-256
 * key; the ciphertext blob names its key and is sealed with AES-GCM whose additional data is the
 * encryption context, so a blob opens only under the context it was sealed with
 * (`InvalidCiphertextException` otherwise), as on KMS. An unknown key is `NotFoundException`.
 *
 * @example
 * const kms = await startFakeKms({ keys: [{ arn, alias: 'alias/flowgenie-secrets' }] });
 * process.env.AWS_ENDPOINT_URL_KMS = kms.url;
 */
export async function startFakeKms(opts: FakeKmsOptions): Promise<FakeKms> {
  const calls: FakeKms['calls'] = [];
  const material = new Map(opts.keys.map((k, i) => [k.arn, { index: i, key: randomBytes(32) }]));
  const byIndex = opts.keys.map((k) => k.arn);
  const resolve = (id: unknown): string | undefined => {
    if (typeof id !== 'string') return undefined;
    const key = opts.keys.find(
      (k) => k.arn === id || k.alias === id || k.arn.endsWith(`:key/${id}`),
    );
    return key?.arn;
  };
  const aad = (context: unknown) =>
    Buffer.from(
      JSON.stringify(Object.entries((context ?? {}) as Record<string, string>).sort()),
      'utf8',
    );

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: JSON_11, limit: '1mb' }));
  app.post('/', (req: Request, res: Response) => {
    const fail = (type: string, message: string) =>
      res.status(400).type(JSON_11).json({ __type: type, message });
    const body = req.body as {
      KeyId?: string;
      Plaintext?: string;
      CiphertextBlob?: string;
      EncryptionContext?: Record<string, string>;
    };
    const context = body.EncryptionContext ?? {};
    switch (req.header('x-amz-target')) {
      case 'TrentService.Encrypt': {
        const arn = resolve(body.KeyId);
        if (!arn) return fail('NotFoundException', `Key '${body.KeyId}' does not exist`);
        const plaintext = Buffer.from(body.Plaintext ?? '', 'base64');
        if (plaintext.length < 1 || plaintext.length > 4096)
          return fail('ValidationException', 'Plaintext must be 1 to 4096 bytes');
        const { index, key } = material.get(arn)!;
        const iv = randomBytes(12);
        const cipher = createCipheriv(AES, key, iv).setAAD(aad(context));
        const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
        const blob = Buffer.concat([Buffer.from([index]), iv, cipher.getAuthTag(), sealed]);
        calls.push({ operation: 'Encrypt', keyArn: arn, context });
        return res.type(JSON_11).json({
          CiphertextBlob: blob.toString('base64'),
          KeyId: arn,
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        });
      }
      case 'TrentService.Decrypt': {
        const blob = Buffer.from(body.CiphertextBlob ?? '', 'base64');
        const arn = byIndex[blob[0] ?? -1];
        if (!arn || blob.length < 30 || (body.KeyId && resolve(body.KeyId) !== arn))
          return fail('InvalidCiphertextException', 'the ciphertext is not one of this key');
        const { key } = material.get(arn)!;
        try {
          const decipher = createDecipheriv(AES, key, blob.subarray(1, 13))
            .setAAD(aad(context))
            .setAuthTag(blob.subarray(13, 29));
          const plaintext = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
          calls.push({ operation: 'Decrypt', keyArn: arn, context });
          return res.type(JSON_11).json({
            Plaintext: plaintext.toString('base64'),
            KeyId: arn,
            EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          });
        } catch {
          return fail('InvalidCiphertextException', 'the ciphertext or its context does not match');
        }
      }
      default:
        return fail('UnknownOperationException', 'the fake serves Encrypt and Decrypt only');
    }
  });
  const started = await listenFake(app, opts, () => undefined);
  return { ...started, calls };
}
