import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { catalogSchema, RunWorkflowRequestSchema } from '@flowgenie/contracts';
import {
  parseOrThrow,
  requireAuth,
  requireScopes,
  userOf,
  ValidationError,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { RunWorkflow } from '../../app/run-workflow';
import { WorkflowNotFoundError } from '../../domain/errors';
import { callerIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from '../../domain/idempotency';
import { sendAccepted } from './respond';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The catalog entry's body schema (`httpRoutes` in @flowgenie/contracts). */
export const RunRequestSchema = catalogSchema(
  'post',
  '/api/workflows/{id}/runs',
  'body',
  RunWorkflowRequestSchema,
);

function hasBody(req: Request): boolean {
  const length = Number(req.header('content-length') ?? 0);
  return length > 0 || req.header('transfer-encoding') !== undefined;
}

/** `POST /workflows/{id}/runs`: a manual run (the builder's Run button, or a script). */
export function runRoutes(deps: {
  run: RunWorkflow;
  verify: TokenVerifier;
  publicBaseUrl: string;
}): Router {
  const router = Router();
  // A manual run starts an execution.
  router.post(
    '/:id/runs',
    requireAuth(deps.verify),
    requireScopes('executions:write'),
    async (req: Request, res: Response) => {
      const user = userOf(req);
      const workflowId = String(req.params.id);
      // A malformed id names no workflow of this caller: the same 404 as another user's.
      if (!UUID.test(workflowId) || !UUID.test(user.id)) throw new WorkflowNotFoundError();
      if (req.body === undefined && hasBody(req)) {
        throw new ValidationError('the request body must be JSON (Content-Type: application/json)');
      }
      const body = parseOrThrow(RunRequestSchema, req.body ?? {});
      const idempotencyKey = callerIdempotencyKey(req.header(IDEMPOTENCY_KEY_HEADER));
      const { executionId } = await deps.run.execute({
        workflowId: workflowId.toLowerCase(),
        ownerId: user.id,
        payload: body.payload,
        draft: body.draft,
        runNode: body.runNode,
        idempotencyKey,
        requestId: randomUUID(),
      });
      sendAccepted(res, executionId, deps.publicBaseUrl);
    },
  );
  return router;
}
