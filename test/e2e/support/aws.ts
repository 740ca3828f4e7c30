import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
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
  startFakeS3,
  type FakeS3,
  type FakeScheduler,
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
  /** Each consumer's EVENTS_QUEUE_URL (and its DLQ). */
  queueEnv(consumer: ServiceName): Record<string, string>;
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
    },
    queueEnv: (consumer) => ({
      EVENTS_QUEUE_URL: queues[consumer].url,
      EVENTS_DLQ_URL: queues[consumer].dlq,
    }),
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
      sqsServer.closeAllConnections();
      await new Promise<void>((r) => sqsServer.close(() => r()));
    },
  };
}
