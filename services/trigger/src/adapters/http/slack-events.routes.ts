import express, { Router, type Request, type Response } from 'express';
import type { Logger } from '@flowgenie/platform';
import type { ProcessSlackEvent, ReceiveSlackEvent } from '../../app/slack-events';

const EMPTY = Buffer.alloc(0);

/**
 * `POST /hooks/slack/events`, Slack's Events API request URL. The raw bytes (kept by the app's
 * JSON parser) are what the signature covers. The answer goes out first; matching triggers fire
 * right after it, from the stored delivery.
 */
export function slackEventRoutes(deps: {
  receive: ReceiveSlackEvent;
  process: ProcessSlackEvent;
  logger: Logger;
  bodyLimitBytes: number;
}): Router {
  const router = Router();
  router.post(
    '/events',
    express.raw({ type: () => true, limit: deps.bodyLimitBytes }),
    async (req: Request, res: Response) => {
      const raw = req.rawBody ?? (Buffer.isBuffer(req.body) ? req.body : EMPTY);
      let body: unknown = req.rawBody !== undefined ? req.body : undefined;
      if (body === undefined && raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = undefined;
        }
      }
      const receipt = await deps.receive.execute({
        rawBody: raw,
        signature: req.header('x-slack-signature'),
        timestamp: req.header('x-slack-request-timestamp'),
        // Not JSON: still signature-checked first, then refused as not a JSON object.
        body: body ?? null,
      });
      if (receipt.kind === 'challenge') {
        res.status(200).json({ challenge: receipt.challenge });
        return;
      }
      res.status(200).json({ ok: true });
      if (receipt.isNew && receipt.eventId) {
        const eventId = receipt.eventId;
        setImmediate(() => {
          deps.process
            .execute(eventId)
            .catch((err: Error) =>
              deps.logger.warn(
                { eventId, err: err.message },
                'slack event not processed yet; retried by the sweep',
              ),
            );
        });
      }
    },
  );
  return router;
}
