import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { SecretsKey } from './secrets-key';

const FORMAT = 'kms-v1';
const CACHE_LIMIT = 1000;
const CACHE_TTL_MS = 5 * 60_000;

/**
 * The "secrets key" port backed by AWS KMS: `seal` is KMS Encrypt under `keyId` (the values sealed
 * are small: data keys and signing keys), `open` is KMS Decrypt. The context is bound as the KMS
 * encryption context `{ flowgenie: context }`, so a value only opens for the purpose it was sealed
 * for, and CloudTrail names that purpose. Sealed values: `kms-v1.<base64url ciphertext blob>`.
 * Opened values are kept a few minutes in a bounded cache, so the envelope values read on every
 * request (connection tokens, webhook secrets) do not cost a KMS call each.
 *
 * @example
 * const key = new KmsSecretsKey(new KMSClient({}), 'alias/flowgenie-secrets');
 * const box = new EnvelopeSecrets(key);
 */
export class KmsSecretsKey implements SecretsKey {
  private readonly opened = new Map<string, { plaintext: Buffer; until: number }>();

  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
    private readonly now: () => number = Date.now,
  ) {}

  static fromEnv(keyId: string): KmsSecretsKey {
    return new KmsSecretsKey(new KMSClient({}), keyId);
  }

  async seal(plaintext: Uint8Array, context: string): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: plaintext,
        EncryptionContext: { flowgenie: context },
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt answered no ciphertext');
    return `${FORMAT}.${Buffer.from(out.CiphertextBlob).toString('base64url')}`;
  }

  async open(sealed: string, context: string): Promise<Buffer> {
    const [format, blob, extra] = sealed.split('.');
    if (format !== FORMAT || !blob || extra !== undefined)
      throw new Error(`not a ${FORMAT} sealed value`);
    const cacheKey = `${context}\u0000${blob}`;
    const hit = this.opened.get(cacheKey);
    if (hit && hit.until > this.now()) return Buffer.from(hit.plaintext);
    const out = await this.kms.send(
      new DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: Buffer.from(blob, 'base64url'),
        EncryptionContext: { flowgenie: context },
      }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt answered no plaintext');
    const plaintext = Buffer.from(out.Plaintext);
    if (this.opened.size >= CACHE_LIMIT) {
      // Oldest first (insertion order): drop it to stay bounded.
      const oldest = this.opened.keys().next().value;
      if (oldest !== undefined) this.opened.delete(oldest);
    }
    this.opened.set(cacheKey, { plaintext, until: this.now() + CACHE_TTL_MS });
    return Buffer.from(plaintext);
  }
}
