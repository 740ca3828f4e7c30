import type { ConnectionSecrets } from '../domain/connections/connection';

/**
 * Seals connection secrets for storage (envelope encryption: a data key per record, wrapped by
 * the master key). `context` binds a sealed value to its record, so it opens nowhere else.
 */
export interface ConnectionSecretsBox {
  seal(secrets: ConnectionSecrets, context: string): Promise<string>;
  open(sealed: string, context: string): Promise<ConnectionSecrets>;
  sealText(text: string, context: string): Promise<string>;
  openText(sealed: string, context: string): Promise<string>;
}
