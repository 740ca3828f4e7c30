import { randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  EncryptCommand,
  InvalidCiphertextException,
  KMSClient,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { EnvelopeSecrets, openSecretsKey } from '@flowgenie/platform';
import { KmsSecretsKey } from '@flowgenie/platform/kms';

const KEY_ID = 'alias/flowgenie-secrets';

/** KMS as it behaves: a ciphertext only decrypts under the key and encryption context it was made with. */
function fakeKms() {
  const kms = mockClient(KMSClient);
  const blobs = new Map<string, { plaintext: Buffer; context: string; keyId: string }>();
  kms.on(EncryptCommand).callsFake((input: EncryptCommand['input']) => {
    const blob = randomBytes(24);
    blobs.set(blob.toString('hex'), {
      plaintext: Buffer.from(input.Plaintext!),
      context: JSON.stringify(input.EncryptionContext ?? {}),
      keyId: input.KeyId!,
    });
    return { CiphertextBlob: blob, KeyId: input.KeyId };
  });
  kms.on(DecryptCommand).callsFake((input: DecryptCommand['input']) => {
    const found = blobs.get(Buffer.from(input.CiphertextBlob!).toString('hex'));
    if (!found || found.context !== JSON.stringify(input.EncryptionContext ?? {})) {
      throw new InvalidCiphertextException({ message: 'invalid ciphertext', $metadata: {} });
    }
    return { Plaintext: found.plaintext, KeyId: found.keyId };
  });
  return kms;
}

describe('connection and config secrets under AWS KMS (SECRETS_KEY_PROVIDER=kms)', () => {
  const kms = fakeKms();
  afterAll(() => kms.restore());

  it('wraps each value’s data key with KMS Encrypt, bound to its purpose, and opens it again', async () => {
    const box = new EnvelopeSecrets(new KmsSecretsKey(new KMSClient({}), KEY_ID));
    const sealed = await box.seal('xoxb-slack-bot-token', 'connection:1234');
    expect(sealed).toMatch(/^fgenv1:/);
    expect(sealed).not.toContain('xoxb');
    const encrypt = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect(encrypt).toMatchObject({
      KeyId: KEY_ID,
      EncryptionContext: { flowgenie: 'envelope:connection:1234' },
    });
    // KMS only ever sees the 32-byte data key, never the secret itself.
    expect(Buffer.from(encrypt.Plaintext!)).toHaveLength(32);
    expect(await box.open(sealed, 'connection:1234')).toBe('xoxb-slack-bot-token');
  });

  it('refuses a value moved to another purpose', async () => {
    const box = new EnvelopeSecrets(new KmsSecretsKey(new KMSClient({}), KEY_ID));
    const sealed = await box.seal('s3cret', 'connection:a');
    await expect(box.open(sealed, 'connection:b')).rejects.toThrow();
  });

  it('asks KMS once for a value read again and again within minutes', async () => {
    let now = 0;
    const key = new KmsSecretsKey(new KMSClient({}), KEY_ID, () => now);
    const box = new EnvelopeSecrets(key);
    const sealed = await box.seal('hook-secret', 'workflow-config');
    kms.resetHistory();
    for (let i = 0; i < 5; i++)
      expect(await box.open(sealed, 'workflow-config')).toBe('hook-secret');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    now += 6 * 60_000;
    await box.open(sealed, 'workflow-config');
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('says what is missing when KMS is chosen without a key', async () => {
    await expect(openSecretsKey({ provider: 'kms', file: '/nonexistent' })).rejects.toThrow(
      /SECRETS_KMS_KEY_ID/,
    );
  });
});
