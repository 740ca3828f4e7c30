import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { findUnstorableJson, PayloadTooLargeError } from '@flowgenie/platform';
import type { ReceiveWebhook } from '../../app/receive-webhook';
import type { TestWebhooks } from '../../app/test-webhook';
import { InvalidRequestError } from '../../domain/errors';
import { callerIdempotencyKey, IDEMPOTENCY_KEY_HEADER } from '../../domain/idempotency';
import type { TriggerMetrics } from '../../ports/trigger-metrics';
import { sendAccepted, sendWebhookAnswer } from './respond';

const EMPTY = Buffer.alloc(0);

/**
 * `/hooks/{hookId}`, every method (the trigger node decides which it takes: 405 otherwise).
 * JSON bodies arrive parsed by the app's JSON parser with their raw bytes kept (`keepRawBody`);
 * any other body is read here as bytes and handed to the workflow as text.
 */
export function hookRoutes(deps: {
  receive: ReceiveWebhook;
  metrics: TriggerMetrics;
  bodyLimitBytes: number;
  publicBaseUrl: string;
  /** The builder's test URLs (`/hooks/test/{listenerId}`). */
  test?: TestWebhooks;
}): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: deps.bodyLimitBytes });
  const bodyOf = (req: Request) => {
    const json = req.rawBody !== undefined;
    const raw = req.rawBody ?? (Buffer.isBuffer(req.body) ? req.body : EMPTY);
    // The app-wide JSON limit may be higher than the hook limit.
    if (raw.length > deps.bodyLimitBytes)
      throw new PayloadTooLargeError(`request body is larger than ${deps.bodyLimitBytes} bytes`);
    const body = raw.length === 0 ? null : json ? req.body : raw.toString('utf8');
    // JSON bodies were checked by the app's parser; a text body is stored as a string too.
    const unstorable = typeof body === 'string' ? findUnstorableJson(body, 'body') : undefined;
    if (unstorable) throw new InvalidRequestError(unstorable.message, unstorable.path ?? 'body');
    return { raw, body };
  };
  const test = deps.test;
  if (test) {
    router.all('/test/:listenerId', rawBody, async (req: Request, res: Response) => {
      const { body } = bodyOf(req);
      const { executionId } = await test.receive({
        listenerId: String(req.params.listenerId),
        method: req.method,
        headers: req.headers,
        query: req.query,
        body,
        requestId: randomUUID(),
      });
      res.status(200).json({
        captured: true,
        message: 'test call received: the builder shows it as the trigger’s sample',
        ...(executionId ? { executionId } : {}),
      });
    });
  }
  router.all('/:hookId', rawBody, async (req: Request, res: Response) => {
    const idempotencyKey = callerIdempotencyKey(req.header(IDEMPOTENCY_KEY_HEADER));
    const { raw, body } = bodyOf(req);

    const hangup = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) hangup.abort();
    });
    const outcome = await deps.receive.execute({
      hookId: String(req.params.hookId),
      method: req.method,
      headers: req.headers,
      query: req.query,
      rawBody: raw,
      body,
      idempotencyKey,
      // Behind the gateway on loopback, Express takes the client from X-Forwarded-For (trust proxy).
      clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      // Not the correlation id: a caller may reuse that header, and must not dedupe by accident.
      requestId: randomUUID(),
      signal: hangup.signal,
    });
    if (outcome.kind === 'answered') sendWebhookAnswer(res, outcome.executionId, outcome.message);
    else sendAccepted(res, outcome.executionId, deps.publicBaseUrl);
  });
  return router;
}

/** Counts hook requests rejected before the use case (body too large, malformed JSON, bad Idempotency-Key). */
export function hookBodyErrorCounter(metrics: TriggerMetrics) {
  return (err: unknown, _req: Request, _res: Response, next: NextFunction): void => {
    const e = err as { type?: string; status?: number };
    if (err instanceof PayloadTooLargeError || e?.type === 'entity.too.large')
      metrics.hookReceived('too_large');
    else if (
      err instanceof InvalidRequestError ||
      e?.type === 'entity.parse.failed' ||
      e?.status === 400
    )
      metrics.hookReceived('bad_request');
    next(err);
  };
}
