import type { WorkflowGraph } from '@flowgenie/contracts';

/**
 * The trigger of one activated workflow, as this service keeps it: which version runs, what
 * starts it (`type` is the trigger node's type) and the trigger node's raw config.
 * `updatedAt` is the time of the catalog event that produced this state; older events are
 * ignored so out-of-order delivery cannot resurrect a deactivated trigger.
 */
export interface Trigger {
  workflowId: string;
  ownerId: string;
  version: number;
  hookId: string;
  type: string;
  config: Record<string, unknown>;
  graph: WorkflowGraph;
  name: string;
  active: boolean;
  updatedAt: Date;
  /**
   * The stored row's version (Postgres `xmin`) when read from storage: a webhook firing commits in
   * one statement only while the row is still exactly this one.
   */
  revision?: string;
}

export type WebhookMethod = 'GET' | 'POST';

/** The HTTP methods a webhook node accepts (`ANY` means both GET and POST). */
export function allowedMethods(configured: 'GET' | 'POST' | 'ANY'): WebhookMethod[] {
  return configured === 'ANY' ? ['GET', 'POST'] : [configured];
}

/** The status page of an execution, relative to the public gateway. */
export const statusUrlOf = (executionId: string) => `/api/executions/${executionId}`;
