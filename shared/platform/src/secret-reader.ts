/** Port: the current value of a named secret (AWS Secrets Manager in the cloud). */
export interface SecretReader {
  /** The secret's value; may come from a cache. */
  read(id: string): Promise<string>;
  /** Drops a cached value, so the next `read` asks the store again (the secret was rotated). */
  forget(id: string): void;
}
