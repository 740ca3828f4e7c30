import { randomUUID } from 'node:crypto';
import { schedulerTargetInput } from '@flowgenie/contracts';
import type { Logger } from '@flowgenie/platform';
import type { PollRegistry } from '../../ports/poll-registry';
import { SchedulerGroup, type SchedulerGroupOptions } from './scheduler-group';

const NAME_PREFIX = 'poll-';

/**
 * The AWS poll backend (SCHEDULES=aws): one EventBridge Scheduler `rate()` schedule per polling
 * trigger (`poll-<workflow id>`, in the schedule triggers' group), whose target sends `poll.due`
 * to the trigger service's queue; its consumer (the Lambda's SQS handler) runs the poll. An
 * interval is rounded up to whole minutes (Scheduler's finest rate). `pollNow` (the baseline poll
 * after an activation committed) runs the poll here and now, in the handler of that event, as a
 * frozen Lambda could not run it later; its failure is logged, and the next rate firing retries.
 *
 * @example
 * const polls = new EventBridgePolls({ client, groupName, roleArn, targetArn, logger, pollNow: (id) => poll.execute(id) });
 * await polls.upsert(workflowId, 5 * 60_000); // rate(5 minutes)
 */
export class EventBridgePolls implements PollRegistry {
  private readonly group: SchedulerGroup;

  constructor(
    private readonly opts: SchedulerGroupOptions & {
      logger: Logger;
      /** Runs one poll of the workflow's trigger. */
      pollNow: (workflowId: string) => Promise<unknown>;
    },
  ) {
    this.group = new SchedulerGroup(opts);
  }

  async upsert(workflowId: string, everyMs: number): Promise<void> {
    await this.group.put({
      name: pollScheduleName(workflowId),
      expression: rateExpression(everyMs),
      input: pollInput(workflowId),
      description: `FlowGenie poll of the Gmail or Calendar trigger of workflow ${workflowId}`,
    });
  }

  async remove(workflowId: string): Promise<void> {
    await this.group.delete(pollScheduleName(workflowId));
  }

  async pollNow(workflowId: string): Promise<void> {
    try {
      await this.opts.pollNow(workflowId);
    } catch (err) {
      this.opts.logger.warn(
        { workflowId, err: (err as Error).message },
        'first poll failed; the next scheduled poll retries',
      );
    }
  }

  /** The workflows with a poll schedule in the group (operators, tests). */
  async list(): Promise<Array<{ workflowId: string }>> {
    return (await this.group.names(NAME_PREFIX)).map((name) => ({
      workflowId: name.slice(NAME_PREFIX.length),
    }));
  }
}

/** The poll schedule's name: `poll-<workflow id>` (Scheduler allows 64 characters). */
export function pollScheduleName(workflowId: string): string {
  return `${NAME_PREFIX}${workflowId}`;
}

/**
 * Scheduler's `rate()` of an interval, rounded up to whole minutes (at least one).
 *
 * @example rateExpression(60_000) // 'rate(1 minute)'
 * @example rateExpression(90_000) // 'rate(2 minutes)'
 */
export function rateExpression(everyMs: number): string {
  const minutes = Math.max(1, Math.ceil(everyMs / 60_000));
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/** The message a poll schedule sends: a `poll.due` envelope as the `detail` of an EventBridge-shaped event. */
export function pollInput(workflowId: string): string {
  return schedulerTargetInput('poll.due', { workflowId }, randomUUID());
}
