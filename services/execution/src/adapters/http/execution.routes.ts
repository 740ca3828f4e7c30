import { Router, type Request, type Response } from 'express';
import { isUuid } from '@flowgenie/contracts';
import { userOf } from '@flowgenie/platform';
import { ExecutionNotFoundError } from '../../domain/errors';
import { isExecutionFinished, type ExecutionDetail } from '../../domain/execution';
import type { CancelExecution } from '../../app/cancel-execution';
import type { ExecutionQueries } from '../../app/queries';
import type { RetryExecution } from '../../app/retry-execution';
import { toDetailDto, toSummaryDto } from './execution.dto';
import { encodeCursor, parseListQuery } from './list-query';

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

/**
 * Server-sent events: `event: execution` with the whole Execution at once and after every
 * change (the row's change marker is polled), ending after the event that shows it finished.
 */
async function streamExecution(
  req: Request,
  res: Response,
  deps: ExecutionRoutesDeps,
): Promise<void> {
  const ownerId = userOf(req).id;
  const id = String(req.params.id);
  // 404 before any byte is sent, once the execution has not appeared within streamWaitMs.
  const first = await waitForExecution(res, id, ownerId, deps);
  if (!first) return;
  let detail: ExecutionDetail = first;
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();

  let open = true;
  const stop = () => {
    open = false;
  };
  req.on('close', stop);
  res.on('close', stop);
  let last = '';
  const send = (d: ExecutionDetail) => {
    const data = JSON.stringify(toDetailDto(d));
    if (data === last) return;
    last = data;
    res.write(`event: execution\ndata: ${data}\n\n`);
  };
  const pollMs = deps.streamPollMs ?? 250;
  const heartbeatMs = deps.streamHeartbeatMs ?? 15_000;
  let marker = detail.updatedAt.getTime();
  let lastWrite = Date.now();
  try {
    send(detail);
    while (open && !isExecutionFinished(detail.status)) {
      await new Promise((r) => setTimeout(r, pollMs));
      if (!open) break;
      const version = await deps.queries.version(id, ownerId);
      if (!version) break;
      if (version.updatedAt.getTime() !== marker) {
        marker = version.updatedAt.getTime();
        detail = await deps.queries.get(id, ownerId);
        send(detail);
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= heartbeatMs) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    }
  } catch {
    // The execution vanished or the database failed mid-stream: the client reconnects.
  } finally {
    req.off('close', stop);
    if (!res.writableEnded) res.end();
  }
}

/**
 * The execution, waiting up to `streamWaitMs` for it to be created: a client that opens the
 * stream right after `POST /runs` answered 202 gets the stream, not a 404. Another user's id
 * waits the same and is 404, like an unknown one. Undefined when the client left first.
 */
async function waitForExecution(
  res: Response,
  id: string,
  ownerId: string,
  deps: ExecutionRoutesDeps,
): Promise<ExecutionDetail | undefined> {
  // An id that is not a UUID never names an execution: 404 at once, not after the wait.
  if (!isUuid(id)) throw new ExecutionNotFoundError(id);
  const deadline = Date.now() + (deps.streamWaitMs ?? 10_000);
  const pollMs = deps.streamPollMs ?? 250;
  let gone = false;
  const onClose = () => {
    gone = true;
  };
  res.on('close', onClose);
  try {
    for (;;) {
      try {
        return await deps.queries.get(id, ownerId);
      } catch (err) {
        if (!(err instanceof ExecutionNotFoundError) || Date.now() >= deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, pollMs));
      if (gone) return undefined;
    }
  } finally {
    res.off('close', onClose);
  }
}
