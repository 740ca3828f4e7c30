import { WorkflowNotFoundError } from '../domain/errors';
import { connectionProblems } from './connection-checks';
import type { CatalogDeps } from './deps';
import { checkGraph, type GraphValidation } from './graph-checks';

/**
 * Full validation of the current draft, without saving or publishing anything: what publish
 * would refuse, connections included (auth is asked; 503 when it cannot answer).
 */
export function validateWorkflow({
  store,
  connections,
  scheduleBackend,
}: Pick<CatalogDeps, 'store' | 'connections' | 'scheduleBackend'>) {
  return async (input: { ownerId: string; workflowId: string }): Promise<GraphValidation> => {
    const workflow = await store.get(input.ownerId, input.workflowId);
    if (!workflow) throw new WorkflowNotFoundError();
    const validation = checkGraph(workflow.graph, undefined, scheduleBackend);
    const onConnections = await connectionProblems(
      connections,
      input.ownerId,
      workflow.graph,
      'publish',
    );
    // A field already refused (e.g. not a string) is not reported twice.
    const located = new Set(validation.errors.map((e) => e.path));
    const errors = [...validation.errors, ...onConnections.filter((p) => !located.has(p.path))];
    return { ok: errors.length === 0, errors };
  };
}
