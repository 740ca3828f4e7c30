import { z } from 'zod';
import { busEnv, loadConfig, payloadEnv, secretsEnv } from '../src';

const schema = z.object({ ...busEnv, ...payloadEnv, ...secretsEnv });

describe('loadConfig: variables another one makes necessary', () => {
  it('names every one that is missing, at once', () => {
    expect(() =>
      loadConfig(schema, { EVENT_BUS: 'aws', PAYLOAD_STORE: 's3', SECRETS_KEY_PROVIDER: 'kms' }),
    ).toThrow(
      [
        'invalid configuration:',
        '  EVENT_BUS_NAME: required when EVENT_BUS=aws',
        '  PAYLOAD_BUCKET: required when PAYLOAD_STORE=s3',
        '  SECRETS_KMS_KEY_ID: required when SECRETS_KEY_PROVIDER=kms',
      ].join('\n'),
    );
  });

  it('takes them when they are given, and needs none of them locally', () => {
    const config = loadConfig(schema, {
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: 'flowgenie-dev',
      PAYLOAD_STORE: 's3',
      PAYLOAD_BUCKET: 'fg-payloads',
      SECRETS_KEY_PROVIDER: 'kms',
      SECRETS_KMS_KEY_ID: 'alias/flowgenie-secrets',
    });
    expect(config).toMatchObject({
      EVENT_BUS_NAME: 'flowgenie-dev',
      PAYLOAD_BUCKET: 'fg-payloads',
      SECRETS_KMS_KEY_ID: 'alias/flowgenie-secrets',
    });
    expect(loadConfig(schema, {})).toMatchObject({
      EVENT_BUS: 'local',
      PAYLOAD_STORE: 'local',
      SECRETS_KEY_PROVIDER: 'local',
    });
  });
});
