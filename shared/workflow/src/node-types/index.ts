import type { NodeType } from '../node-type';
import { httpRequestNode } from './http-request';
import { delayNode, ifNode, respondToWebhookNode, transformNode } from './logic';
import { manualNode, scheduleNode, webhookNode } from './triggers';

export * from './http-request';
export * from './logic';
export * from './triggers';

/** The built-in node types, in palette order. */
export const coreNodeTypes: readonly NodeType[] = [
  webhookNode,
  scheduleNode,
  manualNode,
  httpRequestNode,
  transformNode,
  ifNode,
  delayNode,
  respondToWebhookNode,
];
