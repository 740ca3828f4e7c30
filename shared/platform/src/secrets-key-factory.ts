import { EnvelopeSecrets, LocalFileSecretsKey, type SecretsKey } from './secrets-key';

export interface SecretsKeySettings {
  /** `local`: a key file (created 0600 when missing); `kms`: AWS KMS under `kmsKeyId`. */
  provider: 'local' | 'kms';
  file: string;
  kmsKeyId?: string;
}

/**
 * The master key chosen by configuration (SECRETS_KEY_PROVIDER). The KMS adapter, and with it the
 * AWS SDK, is loaded only when asked for.
 */
export async function openSecretsKey(
  settings: SecretsKeySettings,
  opts: { warn?: (message: string) => void } = {},
): Promise<SecretsKey> {
  if (settings.provider === 'kms') {
    if (!settings.kmsKeyId)
      throw new Error('SECRETS_KEY_PROVIDER=kms needs SECRETS_KMS_KEY_ID (a key id, ARN or alias)');
    const { KmsSecretsKey } = await import('./kms-secrets-key');
    return KmsSecretsKey.fromEnv(settings.kmsKeyId);
  }
  return LocalFileSecretsKey.open(settings.file, opts);
}

/** Envelope encryption of row values under the configured master key. */
export async function openEnvelopeSecrets(
  config: {
    SECRETS_KEY_PROVIDER: 'local' | 'kms';
    SECRETS_KEY_FILE: string;
    SECRETS_KMS_KEY_ID?: string;
  },
  opts: { warn?: (message: string) => void } = {},
): Promise<EnvelopeSecrets> {
  const key = await openSecretsKey(
    {
      provider: config.SECRETS_KEY_PROVIDER,
      file: config.SECRETS_KEY_FILE,
      kmsKeyId: config.SECRETS_KMS_KEY_ID,
    },
    opts,
  );
  return new EnvelopeSecrets(key);
}
