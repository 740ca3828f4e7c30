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

export interface SchedulerGroupOptions {
  client: SchedulerClient;
  /** The schedule group (SCHEDULE_GROUP_NAME). */
  groupName: string;
  /** The role Scheduler assumes to send a firing (SCHEDULER_ROLE_ARN). */
  roleArn: string;
  /** The trigger service's SQS queue (SCHEDULE_TARGET_QUEUE_ARN). */
  targetArn: string;
}

/**
 * The trigger's schedules in one EventBridge Scheduler group, each sending its input to the
 * trigger's queue: `put` creates, and on ConflictException (it exists) updates; `delete` of a
 * missing schedule succeeds. Schedule triggers (`wf-…`) and integration polls (`poll-…`) share it.
 */
export class SchedulerGroup {
  constructor(private readonly opts: SchedulerGroupOptions) {}

  async put(schedule: {
    name: string;
    expression: string;
    timezone?: string;
    /** The message body the target sends to the queue (Scheduler fills its placeholders). */
    input: string;
    description: string;
  }): Promise<void> {
    const input: CreateScheduleCommandInput = {
      Name: schedule.name,
      GroupName: this.opts.groupName,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Description: schedule.description,
      Target: {
        Arn: this.opts.targetArn,
        RoleArn: this.opts.roleArn,
        Input: schedule.input,
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

  async delete(name: string): Promise<void> {
    try {
      await this.opts.client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.opts.groupName }),
      );
    } catch (err) {
      if (!isError(err, ResourceNotFoundException, 'ResourceNotFoundException')) throw err;
    }
  }

  /** The names of the group's schedules starting with `prefix`. */
  async names(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.opts.client.send(
        new ListSchedulesCommand({ GroupName: this.opts.groupName, NamePrefix: prefix, NextToken }),
      );
      for (const s of page.Schedules ?? []) if (s.Name) out.push(s.Name);
      NextToken = page.NextToken;
    } while (NextToken);
    return out;
  }
}

function isError(err: unknown, type: abstract new (...args: never[]) => Error, name: string) {
  return err instanceof type || (err as { name?: string } | undefined)?.name === name;
}
