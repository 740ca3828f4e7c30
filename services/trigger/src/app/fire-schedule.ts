import type { Logger } from '@flowgenie/platform';
import { scheduleFiringKey } from '../domain/idempotency';
import type { FiringStore } from '../ports/firing-store';
import type { ScheduleTick } from '../ports/schedule-registry';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import { scheduleSettings, triggerOf } from './trigger-settings';

/**
 * One firing of a workflow's schedule. Reads the trigger row in the firing's transaction and
 * skips when it is gone, inactive or no longer a schedule; the key (workflow, version, planned
 * time) makes a duplicate delivery of the same tick a no-op.
 */
export class FireSchedule {
  constructor(
    private readonly deps: {
      firings: FiringStore;
      metrics: TriggerMetrics;
      logger: Logger;
      newId: () => string;
      now: () => Date;
    },
  ) {}

  async execute(tick: ScheduleTick): Promise<'fired' | 'duplicate' | 'skipped'> {
    const outcome = await this.deps.firings.recordForTrigger(
      { workflowId: tick.workflowId },
      (trigger) => {
        if (!trigger?.active || trigger.type !== 'schedule') return undefined;
        const node = triggerOf(trigger.graph);
        if (!node) return undefined;
        const settings = scheduleSettings(trigger.config);
        return {
          executionId: this.deps.newId(),
          workflowId: trigger.workflowId,
          ownerId: trigger.ownerId,
          version: trigger.version,
          mode: 'schedule',
          triggerNodeId: node.id,
          idempotencyKey: scheduleFiringKey(trigger.workflowId, trigger.version, tick.scheduledAt),
          payload: { scheduledAt: tick.scheduledAt.toISOString(), timezone: settings.timezone },
          graph: trigger.graph,
          triggeredAt: this.deps.now().toISOString(),
        };
      },
    );
    if (!outcome) {
      this.deps.logger.debug(
        { workflowId: tick.workflowId },
        'schedule tick skipped: trigger inactive or gone',
      );
      return 'skipped';
    }
    if (outcome.duplicate) return 'duplicate';
    this.deps.metrics.firingEmitted('schedule');
    return 'fired';
  }
}
