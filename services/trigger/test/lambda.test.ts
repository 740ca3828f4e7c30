import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import {
  SCHEDULED_TIME,
  SCHEDULER_EXECUTION_ID,
  schedulerTargetInput,
  type PlatformEvent,
} from '@flowgenie/contracts';
import { startFakeSlack, type FakeSlack } from '@flowgenie/local-fakes';
import { createEvent } from '@flowgenie/messaging';
import { createRedis } from '@flowgenie/platform';
import {
  createTestDatabase,
  testRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import { createLambdaHandler } from '../src/lambda';
import { FakeConnections } from './connections.test-double';
import { graphWith } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(60_000);

const SIGNING_SECRET = 'slack-signing-secret-for-tests';
/** An SQS record as the trigger's inbox delivers it (an EventBridge event, our envelope in detail). */
const record = (body: string) => ({ messageId: randomUUID(), body });
const busRecord = (event: PlatformEvent) =>
  record(JSON.stringify({ 'detail-type': event.type, detail: event }));

describe('the trigger Lambda (EVENT_BUS=aws, SCHEDULES=aws)', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const scheduler = mockClient(SchedulerClient);
  const prefix = testRedisPrefix('trigger_lambda');
  let database: TestDatabase;
  let slack: FakeSlack;
  let db: pg.Client;
  let handler: ReturnType<typeof createLambdaHandler>;
  /** The Slack-triggered workflow beforeAll activates. */
  let workflowId: string;

  beforeAll(async () => {
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: randomUUID() })),
    }));
    database = await createTestDatabase('trigger_lambda');
    slack = await startFakeSlack({
      apps: [
        {
          clientId: '1.2',
          clientSecret: 's',
          signingSecret: SIGNING_SECRET,
          redirectUris: ['http://127.0.0.1:9/*'],
        },
      ],
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [{ id: 'C0ALERTS', name: 'alerts' }],
    });
    const connections = new FakeConnections({ slack });
    // What cdk-constructs gives the function (the Scheduler settings included).
    handler = createLambdaHandler({
      env: {
        DATABASE_URL: database.url,
        EVENT_BUS: 'aws',
        EVENT_BUS_NAME: 'flowgenie-test',
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/flowgenie-test-trigger',
        SCHEDULES: 'aws',
        SCHEDULE_GROUP_NAME: 'flowgenie-test-triggers',
        SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/flowgenie-test-scheduler',
        SCHEDULE_TARGET_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:flowgenie-test-trigger',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BASE_URL: slack.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
      },
      compose: { connectionAccess: connections },
    });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();

    // A Slack trigger, activated as the catalog's workflow.activated reaches the inbox.
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addSlack(connectionId, ownerId, slack.issueToken({ scopes: ['channels:read'] }));
    workflowId = randomUUID();
    const activated = createEvent(
      'workflow.activated',
      {
        workflowId,
        ownerId,
        version: 1,
        name: 'Alerts',
        hookId: randomUUID().replaceAll('-', ''),
        graph: graphWith({ type: 'slack_event', id: 'slack', config: { connectionId } }),
      },
      { source: 'workflow-catalog' },
    );
    expect(await handler({ Records: [busRecord(activated)] })).toEqual({ batchItemFailures: [] });
  });

  afterAll(async () => {
    await db?.end();
    await handler?.close();
    await slack?.close();
    eventBridge.restore();
    scheduler.restore();
    const redis = createRedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await database?.drop();
  });

  it('fires a Slack delivery left unprocessed when the sweep schedule sends slack.sweep.due', async () => {
    // Prepare: a delivery acknowledged a minute ago and never processed (the invocation that
    // received it ended before firing), and nothing else runs it: a Lambda has no sweep timer.
    const eventId = `Ev${randomUUID().slice(0, 8).toUpperCase()}`;
    const delivery = {
      team_id: slack.team.id,
      api_app_id: 'A0TEST',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        channel: 'C0ALERTS',
        channel_type: 'channel',
        user: 'U0ALICE',
        text: 'left behind',
        ts: `${Math.floor(Date.now() / 1000)}.000200`,
        event_ts: '1700000000.000100',
      },
    };
    await db.query(
      `INSERT INTO trigger.slack_events (event_id, team_id, body, processed_at, received_at)
       VALUES ($1, $2, $3, NULL, now() - interval '1 minute')`,
      [eventId, slack.team.id, JSON.stringify(delivery)],
    );
    eventBridge.resetHistory();

    // Act: the message the CDK's slack-sweep schedule sends, as Scheduler fills it in.
    const body = schedulerTargetInput('slack.sweep.due', {}, randomUUID())
      .replaceAll(SCHEDULED_TIME, new Date().toISOString())
      .replaceAll(SCHEDULER_EXECUTION_ID, 'c3a7e1d94b2f0a68');
    const out = await handler({ Records: [record(body)] });

    // Assess: the delivery fired its workflow (workflow.triggered on the bus once the call
    // returned) and is marked processed, so the next sweep leaves it alone.
    expect(out).toEqual({ batchItemFailures: [] });
    const triggered = eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .filter((e) => e.DetailType === 'workflow.triggered')
      .map((e) => JSON.parse(e.Detail!) as PlatformEvent<'workflow.triggered'>);
    expect(triggered).toHaveLength(1);
    expect(triggered[0].data).toMatchObject({
      workflowId,
      payload: expect.objectContaining({ text: 'left behind' }),
    });
    const { rows } = await db.query<{ processed_at: Date | null }>(
      'SELECT processed_at FROM trigger.slack_events WHERE event_id = $1',
      [eventId],
    );
    expect(rows[0].processed_at).not.toBeNull();

    // Swept again (the next minute, or a redelivery): nothing fires twice.
    eventBridge.resetHistory();
    expect(await handler({ Records: [record(body)] })).toEqual({ batchItemFailures: [] });
    expect(
      eventBridge
        .commandCalls(PutEventsCommand)
        .flatMap((call) => call.args[0].input.Entries ?? [])
        .filter((e) => e.DetailType === 'workflow.triggered'),
    ).toEqual([]);
  });
});
