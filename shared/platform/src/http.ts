import express, {
  type Express,
  type NextFunction,
  type Request,
  type Response,
  type RequestHandler,
} from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CORRELATION_HEADER, runWithCorrelation } from './correlation';
import { ValidationError } from './errors';
import { errorMiddleware, sendError, type ErrorStatusTable } from './http-errors';
import { findUnstorableJson } from './json-guard';
import type { Logger } from './logging';
import type { Metrics } from './metrics';

export interface HttpAppOptions {
  logger: Logger;
  metrics?: Metrics;
  /** JSON body limit in bytes (413 above it). */
  bodyLimitBytes?: number;
  /** Readiness checks (database, Redis…): `/readyz` answers 503 if one throws. */
  readiness?: Record<string, () => Promise<unknown>>;
  /** Keep the raw body bytes on `req.rawBody` (for HMAC signature checks). */
  keepRawBody?: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    rawBody?: Buffer;
    correlationId?: string;
  }
}

/**
 * An Express app with the platform's defaults: helmet, JSON body limit, correlation id from the
 * `x-correlation-id` header (or a new one) around the whole request, request metrics,
 * `/healthz`, `/readyz` and `/metrics`. Mount routes, then call `finishHttpApp(app)`.
 *
 * @example
 * const app = createHttpApp({ logger, metrics, readiness: { db: () => sql`select 1`.execute(db) } });
 * app.use('/workflows', workflowRoutes(useCases));
 * finishHttpApp(app, { logger });
 */
export function createHttpApp(opts: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(correlationMiddleware(opts));
  app.use(
    express.json({
      limit: opts.bodyLimitBytes ?? 1024 * 1024,
      type: ['application/json', 'application/*+json'],
      verify: opts.keepRawBody
        ? (req, _res, buf) => {
            (req as Request).rawBody = Buffer.from(buf);
          }
        : undefined,
    }),
  );
  app.use(rejectUnstorableInput);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ok = true;
    for (const [name, check] of Object.entries(opts.readiness ?? {})) {
      try {
        await withTimeout(check(), 2000);
        checks[name] = 'ok';
      } catch (err) {
        ok = false;
        checks[name] = err instanceof Error ? err.message : 'failed';
      }
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
  });
  if (opts.metrics) {
    const registry = opts.metrics.registry;
    app.get('/metrics', async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    });
  }
  return app;
}

/**
 * Refuses (400, before any route runs) a JSON body or query string that could not be stored:
 * NUL characters or unpaired surrogates in a string or key, or nesting deeper than MAX_JSON_DEPTH.
 */
const rejectUnstorableInput: RequestHandler = (req, _res, next) => {
  const problem =
    (req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)
      ? findUnstorableJson(req.body, 'body')
      : undefined) ?? findUnstorableJson(req.query, 'query');
  next(problem ? new ValidationError(problem.message, [problem]) : undefined);
};

const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const CORRELATION_ID = /^[\w.:-]{1,200}$/;

/**
 * Takes the caller's `x-correlation-id` (or makes one), echoes it, runs the rest of the request
 * inside it, and logs one line per request with its latency (recorded in `metrics` when given):
 * at `requestLogLevel` (default `debug`: one line per request is hot-path work in every service;
 * the gateway keeps its access log at `info`), and at `warn` whatever the level for a 5xx answer.
 * Used by every service and by the local gateway, so an id flows unchanged from the edge inward.
 */
export function correlationMiddleware(opts: {
  logger: Logger;
  metrics?: Metrics;
  requestLogLevel?: 'info' | 'debug';
}): RequestHandler {
  const level = opts.requestLogLevel ?? 'debug';
  return (req, res, next) => {
    const incoming = req.header(CORRELATION_HEADER);
    const correlationId = incoming && CORRELATION_ID.test(incoming) ? incoming : randomUUID();
    req.correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      opts.metrics?.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      const path = req.originalUrl.split('?')[0];
      if (QUIET_PATHS.has(path)) return;
      const lineLevel = res.statusCode >= 500 ? 'warn' : level;
      if (!opts.logger.isLevelEnabled(lineLevel)) return;
      runWithCorrelation(correlationId, () =>
        opts.logger[lineLevel](
          { method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) },
          'request',
        ),
      );
    });
    runWithCorrelation(correlationId, () => next());
  };
}

function routeLabel(req: Request): string {
  const route = (req.route as { path?: string } | undefined)?.path;
  return route
    ? `${req.baseUrl}${route}`
    : req.baseUrl || (req.path.length < 40 ? req.path : 'other');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

/**
 * Adds the 404 fallback and the one error middleware that owns error → status, with the service's
 * code → status table (`errors`, laid over the platform's).
 */
export function finishHttpApp(
  app: Express,
  opts: { logger: Logger; errors?: ErrorStatusTable },
): Express {
  app.use((req, res) => {
    sendError(res, 404, { code: 'not_found', message: `no route for ${req.method} ${req.path}` });
  });
  app.use(errorMiddleware(opts.logger, opts.errors));
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * Listens on host:port (0 = any free port), over HTTPS when cert and key files are given.
 * `close()` stops accepting, lets in-flight requests finish, then resolves.
 */
export async function startHttpServer(
  handler: http.RequestListener,
  opts: { port: number; host?: string; tlsCertFile?: string; tlsKeyFile?: string },
): Promise<RunningServer> {
  const tls = opts.tlsCertFile && opts.tlsKeyFile;
  const server = tls
    ? https.createServer(
        { cert: fs.readFileSync(opts.tlsCertFile!), key: fs.readFileSync(opts.tlsKeyFile!) },
        handler,
      )
    : http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      }),
  };
}

/** Wraps an async middleware so its rejection reaches the error middleware (Express 5 does this for routes). */
export const handler =
  (fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };
