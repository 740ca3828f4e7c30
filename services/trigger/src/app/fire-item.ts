import type { Logger } from '@flowgenie/platform';
import { itemFiringKey } from '../domain/integration-trigger';
import type { Trigger } from '../domain/trigger';
import type { FiringStore } from '../ports/firing-store';
import type { PayloadClaims } from '../ports/payload-claims';
import type { TriggerMetrics } from '../ports/trigger-metrics';
import { checkInFiring } from './claim-check';
import { triggerOf } from './trigger-settings';

export interface FireItemDeps {
  firings: FiringStore;
  metrics: TriggerMetrics;
  newId: () => string;
  now: () => Date;
  logger: Logger;
  /** Large payloads and graphs travel by reference (default: inline). */
  payloads?: PayloadClaims;
}

/**
 * Fires one provider item (a Gmail message, a Calendar change, a Slack event) for a workflow:
 * decided against the trigger row read with a share lock (nothing fires once a deactivation
 * committed), keyed by trigger + item so a repeat is a no-op. Polls run as mode `schedule`
 * (a timer started them), Slack events as `webhook` (an inbound call). `first` is the trigger as
 * read before: its graph is the one checked in when it is too large to travel inline.
 */
export async function fireItem(
  deps: FireItemDeps,
  input: {
    first: Trigger;
    mode: 'poll' | 'event';
    itemKey: string;
    payload: unknown;
  },
): Promise<'fired' | 'duplicate' | 'skipped'> {
  const { first } = input;
  const executionId = deps.newId();
  const checked = await checkInFiring(deps.payloads, deps.logger, {
    executionId,
    payload: input.payload,
    graph: first.graph,
  });
  let outcome;
  try {
    outcome = await deps.firings.recordForTrigger({ workflowId: first.workflowId }, (trigger) => {
      if (!trigger?.active || trigger.type !== first.type) return undefined;
      const node = triggerOf(trigger.graph);
      if (!node) return undefined;
      return {
        executionId,
        workflowId: trigger.workflowId,
        ownerId: trigger.ownerId,
        version: trigger.version,
        mode: input.mode,
        triggerNodeId: node.id,
        idempotencyKey: itemFiringKey(first.type, trigger.workflowId, input.itemKey),
        ...checked.payload,
        // A version activated since the first read travels inline.
        ...(trigger.version === first.version ? checked.graph : { graph: trigger.graph }),
        triggeredAt: deps.now().toISOString(),
      };
    });
  } catch (err) {
    await checked.release();
    throw err;
  }
  if (!outcome || outcome.duplicate) {
    await checked.release();
    return outcome ? 'duplicate' : 'skipped';
  }
  deps.metrics.firingEmitted(input.mode);
  return 'fired';
}
