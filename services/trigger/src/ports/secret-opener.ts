/** Opens a secret config value the catalog sealed (a value stored before sealing existed is returned as is). */
export interface SecretOpener {
  open(stored: string): Promise<string>;
}
