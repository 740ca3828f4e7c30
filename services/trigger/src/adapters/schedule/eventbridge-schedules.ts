import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { toEventBridgeCron, UnsupportedCronError } from '@flowgenie/workflow';
import { UnsupportedScheduleError } from '../../domain/errors';
import type { ScheduleRegistry } from '../../ports/schedule-registry';

const NAME_PREFIX = 'wf-';

export interface EventBridgeSchedulesOptions {
  client: SchedulerClient;
  /** The schedule group (SCHEDULE_GROUP_NAME). */
  groupName: string;
  /** The role Scheduler assumes to send a firing (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** The trigger service's SQS queue (SCHEDULE_TARGET_QUEUE_ARN). */
  targetArn: string;
}

/**
 * The AWS schedule backend: one EventBridge Scheduler schedule per workflow (`wf-<workflow id>`
 * in the configured group), `cron(...)` in the trigger's time zone, whose target sends a
 * `schedule.fired` event to the trigger service's queue with Scheduler's planned time. The
 * trigger's consumer (its Lambda's SQS handler) turns it into a tick; the firing key (workflow,
 * version, planned time) makes a redelivery a no-op.
 *
 * upsert creates, and on ConflictException (the schedule exists) updates; remove of a missing
 * schedule succeeds. A cron Scheduler cannot express throws UnsupportedScheduleError.
 *
 * @example
 * const schedules = new EventBridgeSchedules({ client: new SchedulerClient({}), groupName, roleArn, targetArn });
 * await schedules.upsert(workflowId, '0 9 * * 1-5', 'Europe/Paris');
 */
export class EventBridgeSchedules implements ScheduleRegistry {
  constructor(private readonly opts: EventBridgeSchedulesOptions) {}

  async upsert(workflowId: string, cron: string, timezone: string): Promise<void> {
    let expression: string;
    try {
      expression = toEventBridgeCron(cron);
    } catch (err) {
      if (err instanceof UnsupportedCronError) throw new UnsupportedScheduleError(err.message);
      throw err;
    }
    const input: CreateScheduleCommandInput = {
      Name: scheduleName(workflowId),
      GroupName: this.opts.groupName,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: `FlowGenie schedule trigger of workflow ${workflowId}`,
      Target: {
        Arn: this.opts.targetArn,
        RoleArn: this.opts.roleArn,
        Input: firingInput(workflowId),
        // A firing the queue refused is retried for an hour; the firing key dedupes retries.
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
      },
    };
    try {
      await this.opts.client.send(new CreateScheduleCommand(input));
    } catch (err) {
      if (!isError(err, ConflictException, 'ConflictException')) throw err;
      await this.opts.client.send(new UpdateScheduleCommand(input));
    }
  }

  async remove(workflowId: string): Promise<void> {
    try {
      await this.opts.client.send(
        new DeleteScheduleCommand({
          Name: scheduleName(workflowId),
          GroupName: this.opts.groupName,
        }),
      );
    } catch (err) {
      if (!isError(err, ResourceNotFoundException, 'ResourceNotFoundException')) throw err;
    }
  }

  /** The workflows with a schedule in the group (operators, tests). */
  async list(): Promise<Array<{ workflowId: string }>> {
    const out: Array<{ workflowId: string }> = [];
    let NextToken: string | undefined;
    do {
      const page = await this.opts.client.send(
        new ListSchedulesCommand({
          GroupName: this.opts.groupName,
          NamePrefix: NAME_PREFIX,
          NextToken,
        }),
      );
      for (const s of page.Schedules ?? [])
        if (s.Name) out.push({ workflowId: s.Name.slice(NAME_PREFIX.length) });
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }
}

/** The schedule's name: `wf-<workflow id>` (Scheduler allows 64 characters of [0-9a-zA-Z-_.]). */
export function scheduleName(workflowId: string): string {
  return `${NAME_PREFIX}${workflowId}`;
}

/**
 * The message Scheduler sends for one firing: a `schedule.fired` envelope as the `detail` of an
 * EventBridge-shaped event, the shape the trigger's SQS handler reads. Scheduler replaces
 * `<aws.scheduler.scheduled-time>` (the planned time, the same on a retry) and
 * `<aws.scheduler.execution-id>` in it.
 */
export function firingInput(workflowId: string): string {
  return JSON.stringify({
    'detail-type': 'schedule.fired',
    source: 'flowgenie.scheduler',
    detail: {
      // Fixed per schedule version: handlers dedupe firings by their key, not by this id.
      id: randomUUID(),
      type: 'schedule.fired',
      version: 1,
      source: 'scheduler',
      time: '<aws.scheduler.scheduled-time>',
      correlationId: '<aws.scheduler.execution-id>',
      data: { workflowId, scheduledAt: '<aws.scheduler.scheduled-time>' },
    },
  });
}

function isError(err: unknown, type: abstract new (...args: never[]) => Error, name: string) {
  return err instanceof type || (err as { name?: string } | undefined)?.name === name;
}
