import type { FiringStore } from '../ports/firing-store';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import { itemFiringKey } from '../domain/integration-trigger';
import { triggerOf } from './trigger-settings';

export interface FireItemDeps {
  firings: FiringStore;
  metrics: TriggerMetrics;
  newId: () => string;
  now: () => Date;
}

/**
 * Fires one provider item (a Gmail message, a Calendar change, a Slack event) for a workflow:
 * decided against the trigger row read with a share lock (nothing fires once a deactivation
 * committed), keyed by trigger + item so a repeat is a no-op. Polls run as mode `schedule`
 * (a timer started them), Slack events as `webhook` (an inbound call).
 */
export async function fireItem(
  deps: FireItemDeps,
  input: {
    workflowId: string;
    type: string;
    mode: 'schedule' | 'webhook';
    itemKey: string;
    payload: unknown;
  },
): Promise<'fired' | 'duplicate' | 'skipped'> {
  const outcome = await deps.firings.recordForTrigger(
    { workflowId: input.workflowId },
    (trigger) => {
      if (!trigger?.active || trigger.type !== input.type) return undefined;
      const node = triggerOf(trigger.graph);
      if (!node) return undefined;
      return {
        executionId: deps.newId(),
        workflowId: trigger.workflowId,
        ownerId: trigger.ownerId,
        version: trigger.version,
        mode: input.mode,
        triggerNodeId: node.id,
        idempotencyKey: itemFiringKey(input.type, trigger.workflowId, input.itemKey),
        payload: input.payload,
        graph: trigger.graph,
        triggeredAt: deps.now().toISOString(),
      };
    },
  );
  if (!outcome) return 'skipped';
  if (outcome.duplicate) return 'duplicate';
  deps.metrics.firingEmitted(input.mode);
  return 'fired';
}
