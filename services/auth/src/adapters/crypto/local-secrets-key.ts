import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SecretsKey } from '../../ports/secrets-key';

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
  static async open(file: string, opts: { warn?: (message: string) => void } = {}): Promise<LocalFileSecretsKey> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      // `wx`: of two processes creating the file at once, one writes and the other reads it.
      await fs.writeFile(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stat = await fs.stat(file);
    if ((stat.mode & 0o077) !== 0) {
      opts.warn?.(`secrets key file ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`);
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
    if (format !== FORMAT || ciphertext === undefined) throw new Error(`not a ${FORMAT} sealed value`);
    if (fingerprint !== this.fingerprint) {
      throw new Error(`value was sealed under another key (fingerprint ${fingerprint}, ${this.file} has ${this.fingerprint})`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  }
}
