import { randomUUID } from 'node:crypto';
import { SCHEDULED_TIME, schedulerTargetInput } from '@flowgenie/contracts';
import { toEventBridgeCron, UnsupportedCronError } from '@flowgenie/workflow';
import { UnsupportedScheduleError } from '../../domain/errors';
import type { ScheduleRegistry } from '../../ports/schedule-registry';
import { SchedulerGroup, type SchedulerGroupOptions } from './scheduler-group';

const NAME_PREFIX = 'wf-';

export type EventBridgeSchedulesOptions = SchedulerGroupOptions;

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
  private readonly group: SchedulerGroup;

  constructor(opts: EventBridgeSchedulesOptions) {
    this.group = new SchedulerGroup(opts);
  }

  async upsert(workflowId: string, cron: string, timezone: string): Promise<void> {
    let expression: string;
    try {
      expression = toEventBridgeCron(cron);
    } catch (err) {
      if (err instanceof UnsupportedCronError) throw new UnsupportedScheduleError(err.message);
      throw err;
    }
    await this.group.put({
      name: scheduleName(workflowId),
      expression,
      timezone,
      input: firingInput(workflowId),
      description: `FlowGenie schedule trigger of workflow ${workflowId}`,
    });
  }

  async remove(workflowId: string): Promise<void> {
    await this.group.delete(scheduleName(workflowId));
  }

  /** The workflows with a schedule in the group (operators, tests). */
  async list(): Promise<Array<{ workflowId: string }>> {
    return (await this.group.names(NAME_PREFIX)).map((name) => ({
      workflowId: name.slice(NAME_PREFIX.length),
    }));
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
  // The envelope id is fixed per schedule version: handlers dedupe firings by their key, not by it.
  return schedulerTargetInput(
    'schedule.fired',
    { workflowId, scheduledAt: SCHEDULED_TIME },
    randomUUID(),
  );
}
