import type { EnvelopeSecrets } from '@flowgenie/platform';
import type { ConnectionSecrets } from '../../domain/connections/connection';
import type { ConnectionSecretsBox } from '../../ports/connection-secrets-box';

/** Connection secrets as one JSON value, envelope-sealed (a fresh data key per seal). */
export class EnvelopeConnectionSecrets implements ConnectionSecretsBox {
  constructor(private readonly envelope: EnvelopeSecrets) {}

  seal(secrets: ConnectionSecrets, context: string): Promise<string> {
    return this.envelope.seal(JSON.stringify(secrets), context);
  }

  async open(sealed: string, context: string): Promise<ConnectionSecrets> {
    return JSON.parse(await this.envelope.open(sealed, context)) as ConnectionSecrets;
  }

  sealText(text: string, context: string): Promise<string> {
    return this.envelope.seal(text, context);
  }

  openText(sealed: string, context: string): Promise<string> {
    return this.envelope.open(sealed, context);
  }
}
