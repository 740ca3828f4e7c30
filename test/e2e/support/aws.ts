import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { createSqsServer } from 'local-aws-sqs';
import { buildApp, serviceNames, type ServiceName } from '@flowgenie/cdk-constructs';
import {
  startFakeEventBridge,
  startFakeScheduler,
  type FakeEventBridge,
  type FakeEventRule,
  type FakeScheduler,
} from '@flowgenie/local-fakes';

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
};

/** An inbox rule of the synthesized CDK app: the consumer whose queue it targets, and its pattern. */
export interface InboxRule {
  consumer: ServiceName;
  pattern: unknown;
}

/**
 * The EventBridge rules the CDK app deploys, read from a synth of the real app (`buildApp`): every
 * `AWS::Events::Rule` of each service stack whose target is that stack's own SQS queue. The fake
 * bus routes by these, so a rule the CDK gets wrong (a missing event type, a wrong target) fails
 * the end-to-end flows.
 */
export function synthesizedInboxRules(): InboxRule[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowgenie-e2e-cdk-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const fixture = path.resolve(__dirname, '../../../cdk-constructs/test/fixtures/lambda.ts');
    const stacks = buildApp(app, {
      envName: 'e2e',
      executorImageTag: 'e2e',
      lambdaEntries: Object.fromEntries(serviceNames.map((n) => [n, fixture])),
    });
    const assembly = app.synth();
    const rules: InboxRule[] = [];
    for (const consumer of serviceNames) {
      const template = assembly.getStackByName(stacks.services[consumer].stackName)
        .template as Template;
      for (const rule of Object.values(template.Resources)) {
        if (rule.Type !== 'AWS::Events::Rule') continue;
        const targets = (rule.Properties?.Targets ?? []) as Array<{ Arn?: unknown }>;
        const toOwnQueue = targets.some((t) => {
          const ref = (t.Arn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
          return ref !== undefined && template.Resources[ref[0]]?.Type === 'AWS::SQS::Queue';
        });
        if (toOwnQueue) rules.push({ consumer, pattern: rule.Properties?.EventPattern });
      }
    }
    return rules;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export interface LocalAws {
  /** Environment every process gets: region, credentials, endpoints, bus, scheduler settings. */
  env: Record<string, string>;
  /** Each consumer's EVENTS_QUEUE_URL (and its DLQ). */
  queueEnv(consumer: ServiceName): Record<string, string>;
  bus: FakeEventBridge;
  scheduler: FakeScheduler;
  scheduleGroup: string;
  close(): Promise<void>;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * The AWS side of an `EVENT_BUS=aws` platform on loopback: the local SQS server with one queue
 * (and DLQ) per consumer, the fake EventBridge routing by `rules` into those queues, and the fake
 * Scheduler sending firings to the trigger's queue. The services reach them through the SDK's
 * own `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
export async function startLocalAws(rules: InboxRule[], label: string): Promise<LocalAws> {
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
  const busRules: FakeEventRule[] = rules.map((r) => ({
    name: r.consumer,
    pattern: r.pattern,
    queueUrl: queues[r.consumer].url,
  }));
  const bus = await startFakeEventBridge({
    busName,
    rules: busRules,
    account: ACCOUNT,
    region: REGION,
  });
  const scheduler = await startFakeScheduler({ sqsEndpoint, account: ACCOUNT, region: REGION });
  const scheduleGroup = `${label}-triggers`;
  return {
    env: {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
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
    scheduleGroup,
    async close() {
      await bus.close();
      await scheduler.close();
      sqsServer.closeAllConnections();
      await new Promise<void>((r) => sqsServer.close(() => r()));
    },
  };
}
