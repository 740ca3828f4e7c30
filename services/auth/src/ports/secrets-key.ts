/**
 * Encrypts small secrets at rest (AES-256-GCM). The local adapter uses a key file under the data
 * directory; a KMS adapter can wrap a data key per secret behind the same interface. Sealed values
 * are self-describing strings (they name the provider and format), so adapters can coexist.
 *
 * @example
 * const sealed = await secrets.seal(Buffer.from(json), 'auth.signing_key:kid-1');
 * const plain = await secrets.open(sealed, 'auth.signing_key:kid-1');
 */
export interface SecretsKey {
  /** `context` is bound as associated data: the sealed value only opens with the same context. */
  seal(plaintext: Uint8Array, context: string): Promise<string>;
  /** Throws when the value was sealed under another key or context, or was altered. */
  open(sealed: string, context: string): Promise<Buffer>;
}
