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
   * For a schedule trigger, what every one of its ticks carries, decided when the version was
   * activated; undefined for other triggers, an invalid schedule, or a row stored before it was
   * kept (such ticks are decided from the graph and config when they fire).
   */
  scheduleFiring?: ScheduleFiringBasis;
  /**
   * The stored row's version (Postgres `xmin`) when read from storage: a webhook firing commits in
   * one statement only while the row is still exactly this one.
   */
  revision?: string;
}

/** The parts of a schedule tick's firing that depend on the trigger's version only. */
export interface ScheduleFiringBasis {
  /** The schedule node's id in the version's graph. */
  triggerNodeId: string;
  /** The IANA time zone of its cron (the node config's, default applied). */
  timezone: string;
}

export type WebhookMethod = 'GET' | 'POST';

/** The HTTP methods a webhook node accepts (`ANY` means both GET and POST). */
export function allowedMethods(configured: 'GET' | 'POST' | 'ANY'): WebhookMethod[] {
  return configured === 'ANY' ? ['GET', 'POST'] : [configured];
}

/** The status page of an execution, relative to the public gateway. */
export const statusUrlOf = (executionId: string) => `/api/executions/${executionId}`;
