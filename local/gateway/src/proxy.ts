import https from 'node:https';
import http from 'node:http';
import { Transform, pipeline, type TransformCallback } from 'node:stream';
import type { Request, Response } from 'express';
import type { Logger } from '@flowgenie/platform';
import { sendError } from '@flowgenie/platform';
import { withoutCookies } from './cookies';

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Security headers are the gateway's to set (helmet, one policy for the whole origin): an
 * upstream's own values (or a workflow's respond step) do not replace them.
 */
export const GATEWAY_OWNED = new Set([
  'content-security-policy',
  'strict-transport-security',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'x-powered-by',
]);

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}

/** Passes bytes through and fails once more than `limit` have gone by. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new BodyTooLargeError(this.limit));
    else done(null, chunk);
  }
}

export interface ProxyTarget {
  name: string;
  /** Origin, e.g. https://127.0.0.1:3001 */
  url: URL;
}

export interface ProxyOptions {
  agent: https.Agent;
  timeoutMs: number;
  logger: Logger;
}

/** How much of a refused body we still read so the client sees the 413 instead of a reset. */
const DRAIN_CAP_BYTES = 16 * 1024 * 1024;

/**
 * Answers 413 with the JSON error, then reads and discards what the client is still sending
 * (up to a cap) so it can read the answer; past the cap the connection is closed.
 */
export function refuseTooLarge(req: Request, res: Response, limit: number): void {
  if (!res.headersSent) {
    sendError(res, 413, {
      code: 'payload_too_large',
      message: `request body is larger than ${limit} bytes`,
    });
  } else {
    res.destroy();
  }
  let drained = 0;
  req.unpipe();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_CAP_BYTES) req.socket.destroy();
  });
  req.resume();
}

/** The query string of the client's URL (with its `?`), or '' when it has none. */
export function queryOf(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at === -1 ? '' : req.originalUrl.slice(at);
}

/**
 * Sets on `headers` (the client's, copied or in place) what an upstream gets from the gateway:
 * its `host`, the correlation id, the auth-only cookies dropped, and X-Forwarded-* of its own.
 * Shared by the proxy and the in-process dispatch so both send the same request.
 */
export function setEdgeHeaders(
  headers: http.OutgoingHttpHeaders,
  req: Request,
  opts: { host: string; correlationId: string; dropCookies?: readonly string[] },
): void {
  // Read before `headers` (possibly `req.headers` itself) is changed.
  const clientHost = req.headers.host ?? '';
  const cookie = withoutCookies(req.headers.cookie, opts.dropCookies ?? []);
  // The gateway is the edge: what a client claims in X-Forwarded-* is replaced, never appended to.
  for (const name of Object.keys(headers))
    if (name.startsWith('x-forwarded-') || name === 'forwarded') delete headers[name];
  if (cookie === undefined) delete headers.cookie;
  else headers.cookie = cookie;
  headers.host = opts.host;
  headers['x-correlation-id'] = opts.correlationId;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  headers['x-forwarded-proto'] = 'https';
  if (clientHost) headers['x-forwarded-host'] = clientHost;
  const port = clientHost.match(/:(\d+)$/)?.[1];
  if (port) headers['x-forwarded-port'] = port;
}

/**
 * Streams one request to an upstream and its answer back, without buffering either (server-sent
 * events flow through as they come). Counts the request body against `bodyLimit`: over it the
 * upstream request is aborted and the caller gets 413. An unreachable upstream gives 502.
 */
export function proxyRequest(
  req: Request,
  res: Response,
  target: ProxyTarget,
  upstreamPath: string,
  opts: ProxyOptions & {
    bodyLimit: number;
    correlationId: string;
    dropCookies?: readonly string[];
  },
): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > opts.bodyLimit) {
    refuseTooLarge(req, res, opts.bodyLimit);
    return;
  }

  const query = queryOf(req);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  setEdgeHeaders(headers, req, { ...opts, host: target.url.host });

  const client = target.url.protocol === 'https:' ? https : http;
  const upstream = client.request({
    protocol: target.url.protocol,
    hostname: target.url.hostname.replace(/^\[|\]$/g, ''),
    port: target.url.port,
    method: req.method,
    path: upstreamPath + query,
    headers,
    agent: target.url.protocol === 'https:' ? opts.agent : undefined,
  });

  let answered = false;
  const timer = setTimeout(() => upstream.destroy(new Error('upstream timed out')), opts.timeoutMs);

  upstream.on('response', (answer) => {
    clearTimeout(timer);
    answered = true;
    const outHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || GATEWAY_OWNED.has(name)) continue;
      outHeaders[name] = value;
    }
    for (const [name, value] of Object.entries(outHeaders)) res.setHeader(name, value);
    res.setHeader('x-correlation-id', opts.correlationId);
    res.status(answer.statusCode ?? 502);
    if (String(answer.headers['content-type'] ?? '').startsWith('text/event-stream'))
      res.flushHeaders();
    pipeline(answer, res, (err) => {
      if (err && err.message !== 'Premature close')
        opts.logger.debug({ err, upstream: target.name }, 'response stream ended early');
    });
  });

  upstream.on('error', (err) => {
    clearTimeout(timer);
    if (err instanceof BodyTooLargeError || answered) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const timedOut = err.message === 'upstream timed out';
    opts.logger.warn({ upstream: target.name, err: err.message }, 'upstream unavailable');
    sendError(res, timedOut ? 504 : 502, {
      code: timedOut ? 'upstream_timeout' : 'upstream_unavailable',
      message: timedOut
        ? `the ${target.name} service did not answer in time`
        : `the ${target.name} service is unavailable`,
    });
  });

  // The caller went away: stop the upstream work we were waiting for (e.g. an SSE stream).
  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) upstream.destroy();
  });

  if (req.method === 'GET' || req.method === 'HEAD') {
    if (!req.headers['content-length'] && !req.headers['transfer-encoding']) {
      upstream.end();
      return;
    }
  }
  // pipe, not pipeline: on a refused body the client's socket must stay open to read the 413.
  const limiter = new ByteLimit(opts.bodyLimit);
  limiter.on('error', (err) => {
    req.unpipe(limiter);
    upstream.destroy(err);
    if (err instanceof BodyTooLargeError) refuseTooLarge(req, res, opts.bodyLimit);
  });
  req.on('error', (err) => upstream.destroy(err));
  req.pipe(limiter).pipe(upstream);
}
