import { Router, type Request, type Response } from 'express';
import { requireAuth, requireScopes, userOf, type TokenVerifier } from '@flowgenie/platform';
import type { GetTriggerStatus } from '../../app/get-trigger-status';
import { WorkflowNotFoundError } from '../../domain/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /workflows/{id}/trigger`: running, paused (and why) or inactive. */
export function triggerStatusRoutes(deps: {
  status: GetTriggerStatus;
  verify: TokenVerifier;
}): Router {
  const router = Router();
  router.get(
    '/:id/trigger',
    requireAuth(deps.verify),
    requireScopes('workflows:read'),
    async (req: Request, res: Response) => {
      const user = userOf(req);
      const workflowId = String(req.params.id);
      if (!UUID.test(workflowId)) throw new WorkflowNotFoundError();
      res.json(
        await deps.status.execute({ ownerId: user.id, workflowId: workflowId.toLowerCase() }),
      );
    },
  );
  return router;
}
