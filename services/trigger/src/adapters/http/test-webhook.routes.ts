import { Router, type Request, type Response } from 'express';
import { catalogSchema, StartTestWebhookRequestSchema } from '@flowgenie/contracts';
import {
  parseOrThrow,
  requireAuth,
  requireScopes,
  userOf,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { TestWebhooks } from '../../app/test-webhook';
import { TestListenerNotFoundError, WorkflowNotFoundError } from '../../domain/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const StartTestWebhookSchema = catalogSchema(
  'post',
  '/api/workflows/{id}/test-webhook',
  'body',
  StartTestWebhookRequestSchema,
);

/** `/workflows/{id}/test-webhook[/{listenerId}]`: the builder's "listen for test event". */
export function testWebhookRoutes(deps: { test: TestWebhooks; verify: TokenVerifier }): Router {
  const router = Router();
  const ids = (req: Request) => {
    const workflowId = String(req.params.id).toLowerCase();
    if (!UUID.test(workflowId)) throw new WorkflowNotFoundError();
    const listenerId = req.params.listenerId ? String(req.params.listenerId).toLowerCase() : '';
    if (req.params.listenerId !== undefined && !UUID.test(listenerId))
      throw new TestListenerNotFoundError();
    return { workflowId, listenerId, ownerId: userOf(req).id };
  };
  router.post(
    '/:id/test-webhook',
    requireAuth(deps.verify),
    requireScopes('executions:write'),
    async (req: Request, res: Response) => {
      const { workflowId, ownerId } = ids(req);
      const body = parseOrThrow(StartTestWebhookSchema, req.body ?? {});
      res.status(201).json(await deps.test.listen({ workflowId, ownerId, run: body.run }));
    },
  );
  router.get(
    '/:id/test-webhook/:listenerId',
    requireAuth(deps.verify),
    requireScopes('executions:read'),
    async (req: Request, res: Response) => {
      const { workflowId, ownerId, listenerId } = ids(req);
      res.json(await deps.test.status(workflowId, ownerId, listenerId));
    },
  );
  router.delete(
    '/:id/test-webhook/:listenerId',
    requireAuth(deps.verify),
    requireScopes('executions:write'),
    async (req: Request, res: Response) => {
      const { workflowId, ownerId, listenerId } = ids(req);
      await deps.test.stop(workflowId, ownerId, listenerId);
      res.status(204).end();
    },
  );
  return router;
}
