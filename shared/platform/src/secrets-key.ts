import { isSealedSecret, SEALED_SECRET_PREFIX } from '@flowgenie/contracts';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Encrypts small secrets at rest (AES-256-GCM) under a master key. The local adapter keeps the key
 * in a file under the data directory; a KMS adapter can stand behind the same interface. Sealed
 * values are self-describing strings (they name the provider and format).
 */
export interface SecretsKey {
  /** `context` is bound as associated data: the sealed value only opens with the same context. */
  seal(plaintext: Uint8Array, context: string): Promise<string>;
  /** Throws when the value was sealed under another key or context, or was altered. */
  open(sealed: string, context: string): Promise<Buffer>;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = 'local-v1';

/**
 * The "secrets key" port backed by a 256-bit key in a local file (created 0600 on first use).
 * Sealed values: `local-v1.<key fingerprint>.<iv>.<tag>.<ciphertext>` (base64url parts), so a value
 * sealed under another key file is reported as such instead of failing as "bad data".
 */
export class LocalFileSecretsKey implements SecretsKey {
  private readonly fingerprint: string;

  private constructor(
    private readonly key: Buffer,
    readonly file: string,
  ) {
    this.fingerprint = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  /** Reads the key file, creating it (and its directory) when missing. */
  static async open(
    file: string,
    opts: { warn?: (message: string) => void } = {},
  ): Promise<LocalFileSecretsKey> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      // `wx`: of two processes creating the file at once, one writes and the other reads it.
      await fs.writeFile(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stat = await fs.stat(file);
    if ((stat.mode & 0o077) !== 0) {
      opts.warn?.(
        `secrets key file ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
    const key = Buffer.from((await fs.readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== KEY_BYTES) {
      throw new Error(`secrets key file ${file} does not hold a base64 ${KEY_BYTES}-byte key`);
    }
    return new LocalFileSecretsKey(key, file);
  }

  async seal(plaintext: Uint8Array, context: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
    return [FORMAT, this.fingerprint, ...parts].join('.');
  }

  async open(sealed: string, context: string): Promise<Buffer> {
    const [format, fingerprint, iv, tag, ciphertext] = sealed.split('.');
    if (format !== FORMAT || ciphertext === undefined)
      throw new Error(`not a ${FORMAT} sealed value`);
    if (fingerprint !== this.fingerprint) {
      throw new Error(
        `value was sealed under another key (fingerprint ${fingerprint}, ${this.file} has ${this.fingerprint})`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}

const ENVELOPE_PREFIX = SEALED_SECRET_PREFIX;

/**
 * Envelope encryption of values stored in rows (secret config fields, connection tokens): each
 * value gets a data key of its own (AES-256-GCM), and only the data key is sealed by the master
 * {@link SecretsKey}. Output: `fgenv1:<wrapped data key>:<iv>:<tag>:<ciphertext>` (base64url).
 *
 * @example
 * const box = new EnvelopeSecrets(await LocalFileSecretsKey.open(file));
 * const sealed = await box.seal('s3cret', 'workflow-config');
 * await box.open(sealed, 'workflow-config'); // 's3cret'
 */
export class EnvelopeSecrets {
  constructor(private readonly master: SecretsKey) {}

  /** Envelope secrets under the master key in a local key file (created 0600 when missing). */
  static async fromKeyFile(
    file: string,
    opts: { warn?: (message: string) => void } = {},
  ): Promise<EnvelopeSecrets> {
    return new EnvelopeSecrets(await LocalFileSecretsKey.open(file, opts));
  }

  static isSealed(value: unknown): value is string {
    return isSealedSecret(value);
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const dataKey = randomBytes(KEY_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const wrapped = await this.master.seal(dataKey, `envelope:${context}`);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
    return `${ENVELOPE_PREFIX}${[Buffer.from(wrapped).toString('base64url'), ...parts].join(':')}`;
  }

  async open(sealed: string, context: string): Promise<string> {
    if (!EnvelopeSecrets.isSealed(sealed)) throw new Error('not an envelope-sealed value');
    const [wrapped, iv, tag, ciphertext] = sealed.slice(ENVELOPE_PREFIX.length).split(':');
    if (ciphertext === undefined) throw new Error('malformed envelope-sealed value');
    const dataKey = await this.master.open(
      Buffer.from(wrapped, 'base64url').toString('utf8'),
      `envelope:${context}`,
    );
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
