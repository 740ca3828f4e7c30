import { WORKFLOW_SECRET_CONTEXT, type WorkflowGraph } from '@flowgenie/contracts';
import { sealSecrets } from '@flowgenie/workflow';
import { InvalidInputError } from '../domain/errors';
import type { SecretSealer } from '../ports/secret-sealer';

/**
 * The graph with every clear secret value sealed, so no table, event or job ever holds it in
 * clear. A secret that is not acceptable is refused here: once sealed it can no longer be checked.
 */
export async function sealGraph(
  graph: WorkflowGraph,
  secrets: SecretSealer,
): Promise<WorkflowGraph> {
  const sealed = await sealSecrets(
    graph,
    (value) => secrets.seal(value, WORKFLOW_SECRET_CONTEXT),
    (value) => secrets.isSealed(value),
  );
  if (sealed.problems.length > 0) {
    throw new InvalidInputError(
      `invalid secret: ${sealed.problems[0].message}`,
      sealed.problems.map((p) => ({
        path: `graph.${p.path}`,
        nodeId: p.nodeId,
        message: p.message,
      })),
    );
  }
  return sealed.graph;
}
