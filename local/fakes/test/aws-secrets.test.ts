import { KMSClient } from '@aws-sdk/client-kms';
import { resolveBootSecrets } from '@flowgenie/platform';
import { KmsSecretsKey } from '@flowgenie/platform/kms';
import {
  startFakeKms,
  startFakeSecretsManager,
  type FakeKms,
  type FakeSecretsManager,
} from '../src';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const REGION = 'eu-west-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const KEY_ARN = `arn:aws:kms:${REGION}:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const DB_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:flowgenie/dev/db-AbCdEf`;
const TOKEN_ARN = `arn:aws:secretsmanager:${REGION}:123456789012:secret:flowgenie/dev/internal-service-token-GhIjKl`;

/** The real adapters and SDK clients against the fakes, as the AWS-mode end-to-end test uses them. */
describe('the fake KMS and Secrets Manager, through the real SDK clients', () => {
  let kms: FakeKms;
  let sm: FakeSecretsManager;

  beforeAll(async () => {
    kms = await startFakeKms({ keys: [{ arn: KEY_ARN, alias: 'alias/flowgenie-dev-secrets' }] });
    sm = await startFakeSecretsManager({
      secrets: {
        [DB_ARN]: JSON.stringify({ username: 'flowgenie', password: 'first-password' }),
        [TOKEN_ARN]: 'x'.repeat(64),
      },
    });
  });
  afterAll(async () => {
    await kms.close();
    await sm.close();
  });

  it('seals and opens with KmsSecretsKey, only under the context it was sealed for', async () => {
    const client = new KMSClient({ endpoint: kms.url, region: REGION, credentials });
    const key = new KmsSecretsKey(client, 'alias/flowgenie-dev-secrets');
    const sealed = await key.seal(Buffer.from('signing key material'), 'auth-signing-key');
    expect(sealed).toMatch(/^kms-v1\./);
    expect((await key.open(sealed, 'auth-signing-key')).toString()).toBe('signing key material');
    const fresh = new KmsSecretsKey(client, KEY_ARN);
    await expect(fresh.open(sealed, 'connection-secret')).rejects.toThrow();
    expect(kms.calls.map((c) => [c.operation, c.keyArn, c.context])).toEqual([
      ['Encrypt', KEY_ARN, { flowgenie: 'auth-signing-key' }],
      ['Decrypt', KEY_ARN, { flowgenie: 'auth-signing-key' }],
    ]);
    client.destroy();
  });

  it('answers GetSecretValue for resolveBootSecrets (its own client, by AWS_ENDPOINT_URL_SECRETS_MANAGER), and a rotated value after a refused password', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    try {
      await bootAndRotate();
    } finally {
      process.env = saved;
    }
  });

  async function bootAndRotate() {
    const { env, database } = await resolveBootSecrets({
      DATABASE_SECRET_ARN: DB_ARN,
      INTERNAL_SERVICE_TOKEN_SECRET_ARN: TOKEN_ARN,
    });
    expect(env).toMatchObject({
      DATABASE_USER: 'flowgenie',
      DATABASE_PASSWORD: 'first-password',
      INTERNAL_SERVICE_TOKEN: 'x'.repeat(64),
    });
    sm.put(DB_ARN, JSON.stringify({ username: 'flowgenie', password: 'rotated' }));
    expect(await database!.password()).toBe('first-password');
    database!.rejected();
    expect(await database!.password()).toBe('rotated');
    expect(sm.reads).toEqual([DB_ARN, TOKEN_ARN, DB_ARN]);
    await expect(
      resolveBootSecrets({ INTERNAL_SERVICE_TOKEN_SECRET_ARN: `${TOKEN_ARN}-gone` }),
    ).rejects.toThrow(/INTERNAL_SERVICE_TOKEN_SECRET_ARN: could not read the secret: .*can't find/);
  }
});
