import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { listenFake, type FakeListenOptions, type StartedFake } from '../common';

export interface FakeSecretsManagerOptions extends FakeListenOptions {
  /** The secrets, by ARN: their current string value. */
  secrets: Record<string, string>;
}

export interface FakeSecretsManager extends StartedFake {
  /** The ARN of every GetSecretValue answered, in order. */
  readonly reads: string[];
  /** A new current version of a secret (a rotation). */
  put(arn: string, value: string): void;
  /** The current value of a secret, as GetSecretValue answers it. */
  current(arn: string): string | undefined;
}

const JSON_11 = 'application/x-amz-json-1.1';

/**
 * A small Secrets Manager for tests: GetSecretValue over the JSON 1.1 protocol the SDK speaks
 * (`X-Amz-Target: secretsmanager.GetSecretValue`), by ARN or name, answering the current version
 * (`AWSCURRENT`); an unknown secret is `ResourceNotFoundException`.
 *
 * @example
 * const sm = await startFakeSecretsManager({ secrets: { [arn]: JSON.stringify({ username, password }) } });
 * process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = sm.url;
 */
export async function startFakeSecretsManager(
  opts: FakeSecretsManagerOptions,
): Promise<FakeSecretsManager> {
  const reads: string[] = [];
  const secrets = new Map(
    Object.entries(opts.secrets).map(([arn, value]) => [arn, { value, version: randomUUID() }]),
  );
  const nameOf = (arn: string) => /:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(arn)?.[1] ?? arn;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: JSON_11, limit: '1mb' }));
  app.post('/', (req: Request, res: Response) => {
    const fail = (type: string, message: string) =>
      res.status(400).type(JSON_11).json({ __type: type, Message: message });
    if (req.header('x-amz-target') !== 'secretsmanager.GetSecretValue')
      return fail('UnknownOperationException', 'the fake serves GetSecretValue only');
    const id = (req.body as { SecretId?: unknown }).SecretId;
    const arn = [...secrets.keys()].find((a) => a === id || nameOf(a) === id);
    if (!arn)
      return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const { value, version } = secrets.get(arn)!;
    reads.push(arn);
    return res.type(JSON_11).json({
      ARN: arn,
      Name: nameOf(arn),
      SecretString: value,
      VersionId: version,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Math.floor(Date.now() / 1000),
    });
  });
  const started = await listenFake(app, opts, () => undefined);
  return {
    ...started,
    reads,
    put(arn, value) {
      secrets.set(arn, { value, version: randomUUID() });
    },
    current: (arn) => secrets.get(arn)?.value,
  };
}
