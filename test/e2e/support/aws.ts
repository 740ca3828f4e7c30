import { execFile } from 'node:child_process';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { serviceNames, type ServiceName } from '@flowgenie/cdk-constructs';
import {
  startFakeEventBridge,
  startFakeScheduler,
  type FakeEventBridge,
  type FakeEventRule,
  startFakeKms,
  startFakeS3,
  startFakeSecretsManager,
  type FakeKms,
  type FakeS3,
  type FakeScheduler,
  type FakeSecretsManager,
} from '@flowgenie/local-fakes';

const execFileAsync = promisify(execFile);

/** An inbox rule of the synthesized CDK app: the consumer whose queue it targets, and its pattern. */
export interface InboxRule {
  consumer: ServiceName;
  pattern: unknown;
}

/**
 * The EventBridge rules the CDK app deploys, read from a synth of the real app in a child process
 * (synth-inbox-rules.ts): every rule of each service stack that targets that stack's SQS queue.
 * The fake bus routes by these, so a rule the CDK gets wrong (a missing event type, another
 * target) fails the end-to-end flows.
 */
export async function synthesizedInboxRules(): Promise<InboxRule[]> {
  const script = path.join(__dirname, 'synth-inbox-rules.ts');
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script], {
    cwd: path.resolve(__dirname, '../../..'),
    maxBuffer: 10 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout) as InboxRule[];
}

export interface LocalAws {
  /** Environment every process gets: region, credentials, endpoints, bus, scheduler settings. */
  env: Record<string, string>;
  /**
   * Each consumer's EVENTS_QUEUE_URL (and its DLQ) for the process `caller`: its queue URLs point
   * at a recording proxy of the SQS server of its own, so `receivers` knows who polled what.
   */
  queueEnv(caller: string, consumer: ServiceName): Promise<Record<string, string>>;
  /** The processes that have long-polled (ReceiveMessage) each consumer's queue. */
  receivers(consumer: ServiceName): string[];
  /** The secrets key (SECRETS_KEY_PROVIDER=kms, SECRETS_KMS_KEY_ID). */
  kms: FakeKms;
  /** The database credentials and the internal service token, named by ARN. */
  secretsManager: FakeSecretsManager;
  /** The ARNs the processes are given (DATABASE_SECRET_ARN, INTERNAL_SERVICE_TOKEN_SECRET_ARN). */
  secretArns: { database: string; internalToken: string };
  bus: FakeEventBridge;
  scheduler: FakeScheduler;
  /** The payload bucket's objects (PAYLOAD_STORE=s3). */
  s3: FakeS3;
  scheduleGroup: string;
  /** Routes the bus by these rules from now on. */
  routeBy(rules: InboxRule[]): void;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * The AWS side of an `EVENT_BUS=aws` platform on loopback: the local SQS server with one queue
 * (and DLQ) per consumer, the fake EventBridge routing by `rules` into those queues, the fake
 * Scheduler sending firings to the trigger's queue, and the fake S3 holding the payload bucket. The services reach them through the SDK's
 * own `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
export async function startLocalAws(label: string): Promise<LocalAws> {
  const sqsServer: Server = await createSqsServer({
    port: 0,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const sqsEndpoint = `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: 'e2e', secretAccessKey: 'e2e' };
  const sqs = new SQSClient({ endpoint: sqsEndpoint, region: REGION, credentials });
  const queues = {} as Record<ServiceName, { url: string; dlq: string; arn: string }>;
  for (const consumer of serviceNames) {
    const name = `${label}-${consumer}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          // Short, so a failed message comes back soon; the CDK gives 90 s.
          VisibilityTimeout: '10',
          RedrivePolicy: JSON.stringify({
            maxReceiveCount: 5,
            deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}-dlq`,
          }),
        },
      }),
    );
    queues[consumer] = {
      url: queue.QueueUrl!,
      dlq: dlq.QueueUrl!,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    };
  }
  sqs.destroy();
  const busName = `${label}-bus`;
  const bus = await startFakeEventBridge({
    busName,
    account: ACCOUNT,
    region: REGION,
  });
  const scheduler = await startFakeScheduler({ sqsEndpoint, account: ACCOUNT, region: REGION });
  const scheduleGroup = `${label}-triggers`;
  const bucket = `${label}-payloads`;
  const s3 = await startFakeS3({ buckets: [bucket] });
  const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/6d1e0b4a-3c2f-4e5d-8a9b-${label.padEnd(12, '0').slice(0, 12)}`;
  const kms = await startFakeKms({ keys: [{ arn: keyArn, alias: `alias/${label}-secrets` }] });
  const secretArns = {
    database: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${label}/db-AbCdEf`,
    internalToken: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${label}/internal-service-token-GhIjKl`,
  };
  const secretsManager = await startFakeSecretsManager({
    secrets: {
      // Postgres on the test machine trusts loopback: the password is read, not checked.
      [secretArns.database]: JSON.stringify({ username: 'postgres', password: `${label}-db-pass` }),
      [secretArns.internalToken]: `${label}-internal-token-`.padEnd(64, 'x'),
    },
  });
  const proxies: Server[] = [];
  const polled = new Map<ServiceName, Set<string>>();
  const consumerOfQueue = (queueUrl: unknown) =>
    serviceNames.find((c) => typeof queueUrl === 'string' && queueUrl.endsWith(`/${label}-${c}`));
  /** Forwards to the SQS server byte for byte, noting each ReceiveMessage's queue. */
  const sqsProxyFor = async (caller: string): Promise<string> => {
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.headers['x-amz-target'] === 'AmazonSQS.ReceiveMessage') {
          const consumer = consumerOfQueue(
            (JSON.parse(body.toString('utf8')) as { QueueUrl?: unknown }).QueueUrl,
          );
          if (consumer) polled.set(consumer, (polled.get(consumer) ?? new Set()).add(caller));
        }
        const upstream = http.request(
          `${sqsEndpoint}${req.url ?? '/'}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    proxies.push(proxy);
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  };
  return {
    env: {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_ENDPOINT_URL_S3: s3.url,
      PAYLOAD_STORE: 's3',
      PAYLOAD_BUCKET: bucket,
      // The smallest inline limit: graphs and payloads above 1 KiB travel through S3.
      PAYLOAD_INLINE_MAX_BYTES: '1024',
      EVENT_BUS: 'aws',
      EVENT_BUS_NAME: busName,
      SQS_WAIT_TIME_SECONDS: '1',
      SCHEDULES: 'aws',
      SCHEDULE_GROUP_NAME: scheduleGroup,
      SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/${label}-scheduler`,
      SCHEDULE_TARGET_QUEUE_ARN: queues.trigger.arn,
      AWS_ENDPOINT_URL_KMS: kms.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      SECRETS_KEY_PROVIDER: 'kms',
      SECRETS_KMS_KEY_ID: keyArn,
      INTERNAL_SERVICE_TOKEN_SECRET_ARN: secretArns.internalToken,
    },
    async queueEnv(caller, consumer) {
      const proxy = await sqsProxyFor(caller);
      return {
        EVENTS_QUEUE_URL: queues[consumer].url.replace(sqsEndpoint, proxy),
        EVENTS_DLQ_URL: queues[consumer].dlq.replace(sqsEndpoint, proxy),
      };
    },
    receivers: (consumer) => [...(polled.get(consumer) ?? [])].sort(),
    kms,
    secretsManager,
    secretArns,
    bus,
    scheduler,
    s3,
    scheduleGroup,
    routeBy(rules) {
      bus.route(
        rules.map((r): FakeEventRule => ({
          name: r.consumer,
          pattern: r.pattern,
          queueUrl: queues[r.consumer].url,
        })),
      );
    },
    async close() {
      await bus.close();
      await scheduler.close();
      await s3.close();
      await kms.close();
      await secretsManager.close();
      for (const proxy of proxies) {
        proxy.closeAllConnections();
        await new Promise<void>((r) => proxy.close(() => r()));
      }
      sqsServer.closeAllConnections();
      await new Promise<void>((r) => sqsServer.close(() => r()));
    },
  };
}
