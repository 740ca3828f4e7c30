/** Encrypts secret config values before a graph is stored or announced (envelope encryption in the adapter). */
export interface SecretSealer {
  seal(plaintext: string, context: string): Promise<string>;
  isSealed(value: unknown): boolean;
}
