import { Router } from 'express';
import { LatestExecutionsRequestSchema } from '@flowgenie/contracts';
import { parseOrThrow, requireServiceTokenFrom } from '@flowgenie/platform';
import type { ExecutionQueries } from '../../app/queries';

/**
 * `/internal/executions`: for other FlowGenie services only (the gateway never routes `/internal`),
 * behind the internal service token. The caller names the owner: another owner's executions are
 * never in an answer. The token is read once, when first needed: until it can be, 503.
 */
export function internalExecutionRoutes(
  queries: ExecutionQueries,
  serviceToken: () => Promise<string>,
): Router {
  const router = Router();
  router.use(requireServiceTokenFrom(serviceToken));
  // POST /internal/executions/latest (INTERNAL_LATEST_EXECUTIONS_PATH): the catalog's "last run".
  router.post('/latest', async (req, res) => {
    const body = parseOrThrow(LatestExecutionsRequestSchema, req.body ?? {});
    const ids = [...new Set(body.workflowIds.map((id) => id.toLowerCase()))];
    const latest = await queries.latestOfWorkflows(body.ownerId.toLowerCase(), ids);
    res.json({
      items: latest.map((e) => ({
        workflowId: e.workflowId,
        id: e.id,
        status: e.status,
        at: e.at.toISOString(),
      })),
    });
  });
  return router;
}
