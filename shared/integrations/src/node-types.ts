import { nodeTypes, type NodeType, type NodeTypeRegistry } from '@flowgenie/workflow';
import { actionNodeTypes } from './actions';
import { triggerNodeTypes } from './triggers';

/**
 * Every node type the integrations add (Gmail, Slack, Google Calendar actions and triggers). Node-only: their `run`
 * uses googleapis and @slack/web-api, so the browser gets them from GET /api/node-types, never
 * by import.
 */
export const integrationNodeTypes: readonly NodeType[] = [...actionNodeTypes, ...triggerNodeTypes];

/**
 * Adds {@link integrationNodeTypes} to a registry (default: the shared one the catalog and the
 * executor use). Safe to call more than once, e.g. by every compose of a test run.
 */
export function registerIntegrationNodeTypes(
  registry: NodeTypeRegistry = nodeTypes,
): NodeTypeRegistry {
  for (const type of integrationNodeTypes)
    if (registry.get(type.type) !== type) registry.register(type);
  return registry;
}
