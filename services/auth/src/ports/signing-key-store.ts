/** An access-token signing key as stored: the private half sealed by the SecretsKey. */
export interface StoredSigningKey {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  sealedPrivateJwk: string;
  createdAt: Date;
}

/**
 * Persistence of signing keys. The first process to boot creates the key; the others load it.
 *
 * @example
 * const key = await store.activeOrCreate(async () => generateKey());
 */
export interface SigningKeyStore {
  /** All keys still published in the JWKS, newest first. */
  listPublished(): Promise<StoredSigningKey[]>;
  /** The newest active key, or the one `create` makes when there is none (serialised across processes). */
  activeOrCreate(create: () => Promise<StoredSigningKey>): Promise<StoredSigningKey>;
}
