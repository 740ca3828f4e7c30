import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { sendError, type Logger } from '@flowgenie/platform';
import { GATEWAY_OWNED, queryOf, refuseTooLarge, setEdgeHeaders } from './proxy';

/** A service's HTTP app (an Express app is one), called in this process instead of over a socket. */
export type InProcessHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Hands one request to a service's HTTP app running in this process (the one-process mode):
 * the same request the proxy would send (path without `/api`, the gateway's X-Forwarded-* and
 * correlation id, the auth-only cookies dropped), without a second HTTP parse and a loopback
 * socket each way. The gateway's security headers stay: the service's own are not set over them.
 * Returns false when the request must go the proxy's way instead: a body of undeclared length
 * (chunked), which only the proxy counts against the gateway's limit as it streams. No
 * UPSTREAM_TIMEOUT_MS here: the service's own limits (e.g. the webhook's wait) bound its answer.
 */
export function dispatchInProcess(
  req: Request,
  res: Response,
  handler: InProcessHandler,
  upstreamPath: string,
  opts: {
    /** The upstream's `host`, as the proxy would send it. */
    host: string;
    bodyLimit: number;
    correlationId: string;
    dropCookies?: readonly string[];
    logger: Logger;
    name: string;
  },
): boolean {
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] !== undefined) return false;
  const declared = Number(length);
  if (Number.isFinite(declared) && declared > opts.bodyLimit) {
    refuseTooLarge(req, res, opts.bodyLimit);
    return true;
  }

  // The service reads the request as the proxy would have sent it.
  setEdgeHeaders(req.headers, req, opts);
  req.url = upstreamPath + queryOf(req);
  // Express keeps an existing originalUrl, which the services log: the path they were sent.
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;

  // Security headers are the gateway's (helmet ran already): the service's helmet does not replace them.
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name: string, value: number | string | readonly string[]) =>
    GATEWAY_OWNED.has(name.toLowerCase()) ? res : setHeader(name, value);

  try {
    handler(req, res);
  } catch (err) {
    opts.logger.error({ err, upstream: opts.name }, 'in-process service failed');
    if (!res.headersSent)
      sendError(res, 500, { code: 'internal', message: `the ${opts.name} service failed` });
  }
  return true;
}
