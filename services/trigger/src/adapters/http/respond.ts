import type { Response } from 'express';
import type { WebhookResponseMessage } from '@flowgenie/contracts';
import { statusUrlOf } from '../../domain/trigger';

export const EXECUTION_ID_HEADER = 'x-flowgenie-execution-id';

/** Headers a respond step may not set: they belong to the connection, not to the answer. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
]);

/** 202 `{executionId, statusUrl}` with an absolute Location on the public gateway. */
export function sendAccepted(res: Response, executionId: string, publicBaseUrl: string): void {
  const statusUrl = statusUrlOf(executionId);
  res.setHeader(EXECUTION_ID_HEADER, executionId);
  res.setHeader('Location', `${publicBaseUrl.replace(/\/+$/, '')}${statusUrl}`);
  res.status(202).json({ executionId, statusUrl });
}

/** The executor's answer to a waiting webhook caller. */
export function sendWebhookAnswer(
  res: Response,
  executionId: string,
  message: WebhookResponseMessage,
): void {
  res.setHeader(EXECUTION_ID_HEADER, executionId);
  if (message.kind === 'final') {
    if (message.status === 'failed') {
      res.status(500).json({
        error: { code: 'execution_failed', message: message.error || 'the workflow failed' },
      });
      return;
    }
    res.status(200).json({ executionId, status: message.status, output: message.output ?? null });
    return;
  }
  res.status(message.status < 200 ? 200 : message.status);
  for (const [name, value] of Object.entries(message.headers)) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    try {
      res.setHeader(name, value);
    } catch {
      // An invalid header name or value from a workflow must not break the answer.
    }
  }
  const body = message.body;
  if (body === undefined || body === null) {
    res.end();
  } else if (typeof body === 'string') {
    if (!res.getHeader('content-type')) res.type('text/plain; charset=utf-8');
    res.send(body);
  } else {
    res.json(body);
  }
}
