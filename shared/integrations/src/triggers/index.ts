import { nodeTypes, type NodeType, type NodeTypeRegistry } from '@flowgenie/workflow';
import { calendarEventNode } from './calendar-event';
import { gmailNewMessageNode } from './gmail-new-message';
import { slackEventNode } from './slack-event';

export * from './calendar-event';
export * from './gmail-new-message';
export * from './slack-event';

/** The integration trigger node types, in palette order. */
export const triggerNodeTypes: readonly NodeType[] = [
  gmailNewMessageNode,
  calendarEventNode,
  slackEventNode,
];

/** Types whose new items the trigger service polls for (Gmail, Calendar). */
export const POLLING_TRIGGER_TYPES = [gmailNewMessageNode.type, calendarEventNode.type] as const;

/**
 * Adds the integration triggers to a registry (the default one unless told); types already there
 * are left alone, so composing a service twice in one process is harmless.
 *
 * @example
 * registerTriggerNodeTypes(); // the catalog lists and validates them, the trigger service reads them
 */
export function registerTriggerNodeTypes(registry: NodeTypeRegistry = nodeTypes): NodeTypeRegistry {
  for (const t of triggerNodeTypes) if (!registry.has(t.type)) registry.register(t);
  return registry;
}
