import { nextFireTimes, triggerNode } from '@flowgenie/workflow';
import { InvalidInputError, NotAScheduleError, WorkflowNotFoundError } from '../domain/errors';
import type { CatalogDeps } from './deps';

export const MAX_SCHEDULE_PREVIEW = 50;

/** When the draft's schedule trigger fires next (a preview for the builder). */
export function getSchedule({ store, clock }: Pick<CatalogDeps, 'store' | 'clock'>) {
  return async (input: { ownerId: string; workflowId: string; count: number }): Promise<Date[]> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    const trigger = triggerNode(workflow.graph);
    if (!trigger || trigger.type !== 'schedule') {
      throw new NotAScheduleError("the workflow's trigger is not a schedule", [
        {
          ...(trigger ? { nodeId: trigger.id } : {}),
          path: 'graph.nodes',
          message: 'needs exactly one schedule trigger node',
        },
      ]);
    }
    const cron = trigger.config.cron;
    const timezone = trigger.config.timezone ?? 'UTC';
    if (typeof cron !== 'string' || typeof timezone !== 'string') {
      throw new InvalidInputError('the schedule has no cron expression', [
        {
          nodeId: trigger.id,
          path: typeof cron !== 'string' ? 'config.cron' : 'config.timezone',
          message: 'must be a string',
        },
      ]);
    }
    try {
      return nextFireTimes(cron, timezone, input.count, clock.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const path = /time zone/i.test(message) ? 'config.timezone' : 'config.cron';
      throw new InvalidInputError(`the schedule is not valid: ${message}`, [
        { nodeId: trigger.id, path, message },
      ]);
    }
  };
}
