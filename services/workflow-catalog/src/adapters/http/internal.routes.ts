import { Router } from 'express';
import { isUuid } from '@flowgenie/contracts';
import { parseOrThrow, requireServiceTokenFrom } from '@flowgenie/platform';
import type { UseCases } from '../../app/use-cases';
import { WorkflowNotFoundError } from '../../domain/errors';
import { RunSpecQuery } from './schemas';

/**
 * `/internal`: for other services only (the gateway never routes it), behind the internal service
 * token (read when first needed; 503 until it can be). No user token: the caller names the owner,
 * and a workflow of anyone else answers 404 exactly as for a user.
 */
export function internalRoutes(uc: UseCases, serviceToken: () => Promise<string>): Router {
  const router = Router();
  router.use(requireServiceTokenFrom(serviceToken));
  router.get('/workflows/:id/run-spec', async (req, res) => {
    const query = parseOrThrow(RunSpecQuery, req.query, 'query');
    const id = req.params.id;
    if (!isUuid(id)) throw new WorkflowNotFoundError();
    const spec = await uc.getRunSpec({
      ownerId: query.ownerId.toLowerCase(),
      workflowId: id.toLowerCase(),
      draft: query.draft,
    });
    res.json(spec);
  });
  return router;
}
