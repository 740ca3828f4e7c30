import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { createSqsBatchHandler } from '@flowgenie/messaging/aws';
import { createLogger } from '@flowgenie/platform';
import { waitFor } from '@flowgenie/testing';
import { graphWith, TriggerHarness } from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
jest.setTimeout(30_000);

const GROUP = 'flowgenie-test-triggers';
const ROLE = 'arn:aws:iam::123456789012:role/flowgenie-test-scheduler';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:flowgenie-test-trigger';
const meta = { $metadata: {} };

/** What Scheduler sends to the queue for one firing: the target's Input with its placeholders filled. */
function delivered(input: string, scheduledTime: string): string {
  return input
    .replaceAll('<aws.scheduler.scheduled-time>', scheduledTime)
    .replaceAll('<aws.scheduler.execution-id>', randomUUID());
}

describe('schedules on EventBridge Scheduler (SCHEDULES=aws)', () => {
  const scheduler = mockClient(SchedulerClient);
  let h: TriggerHarness;

  beforeAll(async () => {
    h = await TriggerHarness.start(
      {
        SCHEDULES: 'aws',
        SCHEDULE_GROUP_NAME: GROUP,
        SCHEDULER_ROLE_ARN: ROLE,
        SCHEDULE_TARGET_QUEUE_ARN: QUEUE,
      },
      { scheduler: new SchedulerClient({ region: 'eu-west-1' }) },
    );
  });
  afterAll(async () => {
    await h?.close();
    scheduler.restore();
  });
  beforeEach(() => scheduler.reset());

  it('creates one schedule per activated workflow, updates it on a conflict, deletes it idempotently', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:x', ...meta });
    const wf = await h.activate({
      graph: graphWith({
        type: 'schedule',
        config: { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
      }),
    });

    // As AWS documents CreateSchedule: name, group, cron(...) with its time zone, an SQS target
    // with the role Scheduler assumes and the message it sends.
    const [create] = scheduler.commandCalls(CreateScheduleCommand);
    expect(create.args[0].input).toMatchObject({
      Name: `wf-${wf.workflowId}`,
      GroupName: GROUP,
      ScheduleExpression: 'cron(0 9 ? * MON,TUE,WED,THU,FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: { Arn: QUEUE, RoleArn: ROLE },
    });
    const message = JSON.parse(create.args[0].input.Target!.Input!);
    expect(message.detail).toMatchObject({
      type: 'schedule.fired',
      time: '<aws.scheduler.scheduled-time>',
      data: { workflowId: wf.workflowId, scheduledAt: '<aws.scheduler.scheduled-time>' },
    });

    // A new version: the schedule exists already (ConflictException), so it is updated.
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: 'Schedule already exists.',
        Message: 'Schedule already exists.',
        $metadata: {},
      }),
    );
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:x', ...meta });
    await h.activate({
      ...wf,
      version: 2,
      graph: graphWith({ type: 'schedule', config: { cron: '30 7 1 * *', timezone: 'UTC' } }),
    });
    const updates = scheduler.commandCalls(UpdateScheduleCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0].args[0].input).toMatchObject({
      Name: `wf-${wf.workflowId}`,
      GroupName: GROUP,
      ScheduleExpression: 'cron(30 7 1 * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: { Arn: QUEUE, RoleArn: ROLE },
    });

    // Deactivated: deleted; deleted again when it is already gone: still fine.
    scheduler
      .on(DeleteScheduleCommand)
      .resolvesOnce(meta)
      .rejects(
        new ResourceNotFoundException({
          message: 'Schedule not found.',
          Message: 'Schedule not found.',
          $metadata: {},
        }),
      );
    await h.deactivate(wf);
    await h.deactivate(wf, 'workflow.deleted');
    const deletes = scheduler.commandCalls(DeleteScheduleCommand);
    expect(deletes.map((c) => c.args[0].input)).toEqual([
      { Name: `wf-${wf.workflowId}`, GroupName: GROUP },
      { Name: `wf-${wf.workflowId}`, GroupName: GROUP },
    ]);
  });

  it('refuses a cron Scheduler cannot express: no schedule, and the event is not retried', async () => {
    scheduler.on(DeleteScheduleCommand).resolves(meta);
    const wf = await h.activate({
      graph: graphWith({
        type: 'schedule',
        config: { cron: '*/5 * * * * *', timezone: 'UTC' },
      }),
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
    expect(await h.firingsOf(wf.workflowId)).toHaveLength(0);
  });

  it('turns a firing delivered twice into exactly one workflow.triggered', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:x', ...meta });
    const wf = await h.activate({
      graph: graphWith({
        type: 'schedule',
        id: 'tick',
        config: { cron: '0 9 * * *', timezone: 'Europe/Paris' },
      }),
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0].args[0].input.Target!.Input!;
    const body = delivered(input, '2026-03-02T08:00:00Z');

    // The trigger's Lambda gets the queue's records: the same firing twice (at-least-once).
    const handle = createSqsBatchHandler(
      createLogger({ service: 'test', level: 'silent' }),
      h.service.eventHandlers!,
    );
    for (const batch of [[body], [body, body]]) {
      const out = await handle({
        Records: batch.map((b) => ({ messageId: randomUUID(), body: b })),
      });
      expect(out.batchItemFailures).toEqual([]);
    }

    const [event] = await waitFor(
      () => (h.triggeredFor(wf.workflowId).length ? h.triggeredFor(wf.workflowId) : undefined),
      { message: 'the firing reached the execution side' },
    );
    expect(event.data).toMatchObject({
      mode: 'schedule',
      triggerNodeId: 'tick',
      idempotencyKey: `schedule:${wf.workflowId}:1:2026-03-02T08:00:00.000Z`,
      payload: { scheduledAt: '2026-03-02T08:00:00.000Z', timezone: 'Europe/Paris' },
    });
    // Let any second emission arrive before counting (absence needs a wait).
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(1);
    expect(h.triggeredFor(wf.workflowId)).toHaveLength(1);
  });
});
