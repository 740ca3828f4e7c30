import { Router, type Request, type Response } from 'express';
import { userOf } from '@flowgenie/platform';
import type { CancelExecution } from '../../app/cancel-execution';
import type { ExecutionQueries } from '../../app/queries';
import type { RetryExecution } from '../../app/retry-execution';
import { toDetailDto, toSummaryDto } from './execution.dto';
import { encodeCursor, parseListQuery } from './list-query';
import { findStreamedExecution, pumpExecutionStream, SSE_HEADERS } from './execution-stream';

export interface ExecutionRoutesDeps {
  queries: ExecutionQueries;
  retry: RetryExecution;
  cancel: CancelExecution;
  /** How often a stream looks for changes. @default 250 */
  streamPollMs?: number;
  /**
   * How long a stream waits for an execution that does not exist yet (the run was just accepted
   * and `workflow.triggered` is still on its way) before answering 404. @default 10000
   */
  streamWaitMs?: number;
  /** Comment line sent to keep idle proxies from closing a stream. @default 15000 */
  streamHeartbeatMs?: number;
}

/** `/executions` (behind requireAuth): list, detail, stream, retry, cancel. Other users' ids are 404. */
export function executionRoutes(deps: ExecutionRoutesDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const filter = parseListQuery(req.query);
    const page = await deps.queries.list(userOf(req).id, filter);
    res.json({
      items: page.items.map(toSummaryDto),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    res.json(toDetailDto(await deps.queries.get(req.params.id, userOf(req).id)));
  });

  router.get('/:id/stream', (req, res) => streamExecution(req, res, deps));

  router.post('/:id/retry', async (req, res) => {
    const detail = await deps.retry.execute(req.params.id, userOf(req).id);
    res.status(202).json(toDetailDto(await deps.queries.withTriggerPayload(detail)));
  });

  router.post('/:id/cancel', async (req, res) => {
    const detail = await deps.cancel.execute(req.params.id, userOf(req).id);
    res.status(202).json(toDetailDto(await deps.queries.withTriggerPayload(detail)));
  });

  return router;
}

/** `GET /executions/:id/stream` over Express (the Lambda response stream serves the same frames). */
async function streamExecution(
  req: Request,
  res: Response,
  deps: ExecutionRoutesDeps,
): Promise<void> {
  const ownerId = userOf(req).id;
  const id = String(req.params.id);
  let open = true;
  const stop = () => {
    open = false;
  };
  req.on('close', stop);
  res.on('close', stop);
  const timing = {
    pollMs: deps.streamPollMs,
    waitMs: deps.streamWaitMs,
    heartbeatMs: deps.streamHeartbeatMs,
  };
  try {
    // 404 before any byte is sent, once the execution has not appeared within streamWaitMs.
    const first = await findStreamedExecution(deps.queries, id, ownerId, {
      ...timing,
      isOpen: () => open,
    });
    if (!first) return;
    res.status(200);
    for (const [name, value] of Object.entries(SSE_HEADERS)) res.setHeader(name, value);
    res.flushHeaders();
    await pumpExecutionStream(
      deps.queries,
      first,
      ownerId,
      { write: (frame) => res.write(frame), isOpen: () => open },
      timing,
    );
    if (!res.writableEnded) res.end();
  } finally {
    req.off('close', stop);
    res.off('close', stop);
  }
}
