import { randomUUID } from 'node:crypto';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { createSqsBatchHandler } from '@flowgenie/messaging/aws';
import { createLogger } from '@flowgenie/platform';
import { createTestTokens, waitFor } from '@flowgenie/testing';
import { rateExpression } from '../src/adapters/schedule/eventbridge-polls';
import { FakeConnections } from './connections.test-double';
import { graphWith, TriggerHarness } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const GROUP = 'flowgenie-test-triggers';
const ROLE = 'arn:aws:iam::123456789012:role/flowgenie-test-scheduler';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:flowgenie-test-trigger';
const ALICE = 'alice@example.com';
const BOSS = 'boss@example.com';
const meta = { $metadata: {} };

describe('rateExpression', () => {
  it.each([
    [60_000, 'rate(1 minute)'],
    [5 * 60_000, 'rate(5 minutes)'],
    [90_000, 'rate(2 minutes)'],
    [1_000, 'rate(1 minute)'],
  ])('gives Scheduler %i ms as %s', (ms, expected) => {
    expect(rateExpression(ms)).toBe(expected);
  });
});

describe('Gmail and Calendar polls on EventBridge Scheduler (SCHEDULES=aws)', () => {
  const scheduler = mockClient(SchedulerClient);
  let google: FakeGoogle;
  let connections: FakeConnections;
  let h: TriggerHarness;

  beforeAll(async () => {
    google = await startFakeGoogle({ accounts: [{ email: ALICE, name: 'Alice' }] });
    connections = new FakeConnections({ google });
    const tokens = await createTestTokens({
      issuer: 'https://flowgenie.local/auth',
      audience: 'flowgenie-api',
    });
    h = await TriggerHarness.start(
      {
        GOOGLE_BASE_URL: google.url,
        SCHEDULES: 'aws',
        SCHEDULE_GROUP_NAME: GROUP,
        SCHEDULER_ROLE_ARN: ROLE,
        SCHEDULE_TARGET_QUEUE_ARN: QUEUE,
      },
      {
        connectionAccess: connections,
        keySet: tokens.keySet,
        scheduler: new SchedulerClient({ region: 'eu-west-1' }),
      },
    );
  });
  afterAll(async () => {
    await h?.close();
    await google?.close();
    scheduler.restore();
  });

  it('keeps a rate() schedule per polling trigger whose poll.due messages run the poll', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:x', ...meta });
    scheduler.on(DeleteScheduleCommand).resolves(meta);
    google.deliverEmail(ALICE, { from: BOSS, subject: 'old news' });
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addGoogle(connectionId, ownerId, ALICE);

    const wf = await h.activate({
      ownerId,
      graph: graphWith({
        type: 'gmail_new_message',
        id: 'mail',
        config: { connectionId, query: `from:${BOSS}`, pollIntervalMinutes: 5 },
      }),
    });

    // Registered as Scheduler documents it: a rate() schedule in the group, sending poll.due.
    const [create] = scheduler.commandCalls(CreateScheduleCommand);
    expect(create.args[0].input).toMatchObject({
      Name: `poll-${wf.workflowId}`,
      GroupName: GROUP,
      ScheduleExpression: 'rate(5 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: QUEUE, RoleArn: ROLE },
    });
    const input = create.args[0].input.Target!.Input!;
    expect(JSON.parse(input).detail).toMatchObject({
      type: 'poll.due',
      data: { workflowId: wf.workflowId },
    });
    // The baseline poll ran at activation: mail already there never fires.
    await waitFor(async () => (await h.service.integrations.states.find(wf.workflowId))?.cursor, {
      message: 'the baseline poll',
    });

    // Mail arrives; Scheduler's next firing reaches the trigger's queue (its Lambda's records).
    google.deliverEmail(ALICE, { from: BOSS, subject: 'Q3 numbers' });
    google.deliverEmail(ALICE, { from: 'someone@example.com', subject: 'lunch?' });
    const body = input
      .replaceAll('<aws.scheduler.scheduled-time>', '2026-03-02T08:05:00Z')
      .replaceAll('<aws.scheduler.execution-id>', randomUUID());
    const handle = createSqsBatchHandler(
      createLogger({ service: 'test', level: 'silent' }),
      h.service.eventHandlers!,
    );
    const out = await handle({ Records: [{ messageId: randomUUID(), body }] });
    expect(out.batchItemFailures).toEqual([]);

    const rows = await waitFor(
      async () =>
        (await h.outboxOf(wf.workflowId)).length ? h.outboxOf(wf.workflowId) : undefined,
      { message: 'the polled message fired' },
    );
    expect(
      rows.map(
        (r) => (r.envelope as { data: { payload: { subject: string } } }).data.payload.subject,
      ),
    ).toEqual(['Q3 numbers']);

    // Deactivated: the poll schedule goes.
    await h.deactivate(wf);
    expect(
      scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input),
    ).toContainEqual({ Name: `poll-${wf.workflowId}`, GroupName: GROUP });
  });
});
