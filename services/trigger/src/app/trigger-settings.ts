import type { WorkflowGraph } from '@flowgenie/contracts';
import { manualNode, scheduleNode, triggerNode, webhookNode } from '@flowgenie/workflow';
import { TriggerMisconfiguredError } from '../domain/errors';
import type { ScheduleFiringBasis } from '../domain/trigger';

/**
 * Typed settings of the trigger node kinds, read from a node's raw config with the node type's
 * own schema (defaults applied), so this service and the builder agree on what a config means.
 */
export interface WebhookSettings {
  method: 'GET' | 'POST' | 'ANY';
  responseMode: 'immediately' | 'respond_node';
  hmacSecret?: string;
  rateLimitPerMinute?: number;
}
export interface ScheduleSettings {
  cron: string;
  timezone: string;
}

function problems(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .map((i) => `${i.path.map(String).join('.') || '(config)'}: ${i.message}`)
    .join('; ');
}

/** @throws TriggerMisconfiguredError: a webhook must fail closed (an unreadable hmacSecret must not mean "unsigned"). */
export function webhookSettings(config: Record<string, unknown>): WebhookSettings {
  const parsed = webhookNode.config.safeParse(config);
  if (!parsed.success)
    throw new TriggerMisconfiguredError(
      `webhook trigger config is invalid: ${problems(parsed.error.issues)}`,
    );
  return parsed.data;
}

/** @throws TriggerMisconfiguredError */
export function scheduleSettings(config: Record<string, unknown>): ScheduleSettings {
  const parsed = scheduleNode.config.safeParse(config);
  if (!parsed.success)
    throw new TriggerMisconfiguredError(
      `schedule trigger config is invalid: ${problems(parsed.error.issues)}`,
    );
  return parsed.data;
}

/** The manual node's sample payload, used when a manual run brings none. */
export function manualSamplePayload(config: Record<string, unknown>): unknown {
  const parsed = manualNode.config.safeParse(config);
  return parsed.success ? parsed.data.samplePayload : undefined;
}

/** The graph's trigger node (id, type, raw config), if it has one. */
export function triggerOf(
  graph: WorkflowGraph,
): { id: string; type: string; config: Record<string, unknown> } | undefined {
  const node = triggerNode(graph);
  return node ? { id: node.id, type: node.type, config: node.config ?? {} } : undefined;
}

/**
 * What every tick of a schedule trigger carries (its node and time zone), or undefined when the
 * graph's trigger is not a schedule or its config is invalid (such a schedule never fires).
 */
export function scheduleFiringBasis(graph: WorkflowGraph): ScheduleFiringBasis | undefined {
  const node = triggerOf(graph);
  if (node?.type !== 'schedule') return undefined;
  const parsed = scheduleNode.config.safeParse(node.config);
  return parsed.success ? { triggerNodeId: node.id, timezone: parsed.data.timezone } : undefined;
}
