import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import {
  correlationMiddleware,
  createLogger,
  sendError,
  startHttpServer,
  type Logger,
  type RunningServer,
} from '@flowgenie/platform';
import type { GatewayConfig } from './config';
import { docsRouter } from './docs';
import { buildOpenApiDocument } from './openapi';
import { proxyRequest, type ProxyTarget } from './proxy';
import { dispatchInProcess, type InProcessHandler } from './in-process';
import { AUTH_ONLY_COOKIES } from './cookies';
import { checkUpstreams } from './readiness';
import { resolveRoute, type UpstreamName } from './routes';
import { spaRouter } from './spa';

/**
 * Content Security Policy for the SPA and Swagger UI: scripts only from this origin (no inline
 * script, no eval); inline styles allowed because React Flow and Swagger UI set style attributes.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    upgradeInsecureRequests: [],
  },
};

export interface Gateway {
  app: Express;
  start(): Promise<RunningServer>;
  stop(): Promise<void>;
}

/**
 * The local HTTPS gateway: one origin for the SPA, the public API (routed by path prefix to the
 * services, `/api` stripped), webhooks, the OpenAPI document and Swagger UI.
 *
 * @example
 * const gateway = createGateway(loadGatewayConfig(process.env));
 * const running = await gateway.start(); // https://127.0.0.1:8443
 */
export function createGateway(
  config: GatewayConfig,
  opts: {
    logger?: Logger;
    /**
     * The one-process mode: the services' HTTP apps in this process, called directly instead of
     * over loopback HTTP (readiness still asks their ports). Others are proxied to their URLs.
     */
    inProcess?: Partial<Record<UpstreamName, InProcessHandler>>;
  } = {},
): Gateway {
  const logger =
    opts.logger ??
    createLogger({ service: 'gateway', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 256,
    ca: config.UPSTREAM_CA_FILE ? fs.readFileSync(config.UPSTREAM_CA_FILE) : undefined,
  });
  const targets: Record<UpstreamName, ProxyTarget> = {
    auth: { name: 'auth', url: new URL(config.AUTH_URL) },
    catalog: { name: 'workflow-catalog', url: new URL(config.CATALOG_URL) },
    trigger: { name: 'trigger', url: new URL(config.TRIGGER_URL) },
    execution: { name: 'execution', url: new URL(config.EXECUTION_URL) },
  };
  const readinessTargets = [
    ...Object.values(targets),
    ...(config.EXECUTOR_URL ? [{ name: 'executor', url: new URL(config.EXECUTOR_URL) }] : []),
  ];
  let openApi: string | undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      strictTransportSecurity: config.GATEWAY_HSTS
        ? { maxAge: 31_536_000, includeSubDomains: true }
        : false,
      crossOriginEmbedderPolicy: false,
    }),
  );

  // The platform's access log: one line per request at info (the services log theirs at debug).
  app.use(correlationMiddleware({ logger, requestLogLevel: 'info' }));

  // Routing first: proxied requests never touch a body parser, their bytes stream through.
  app.use((req, res, next) => {
    const route = resolveRoute(req.path);
    switch (route.kind) {
      case 'proxy': {
        const target = targets[route.upstream];
        const bodyLimit = route.hook ? config.HOOK_BODY_LIMIT_BYTES : config.BODY_LIMIT_BYTES;
        const correlationId = correlationIdOf(req);
        const dropCookies = route.upstream === 'auth' ? [] : AUTH_ONLY_COOKIES;
        const local = opts.inProcess?.[route.upstream];
        if (
          local &&
          dispatchInProcess(req, res, local, route.path, {
            host: target.url.host,
            bodyLimit,
            correlationId,
            dropCookies,
            logger,
            name: target.name,
          })
        )
          return;
        proxyRequest(req, res, target, route.path, {
          agent,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          logger,
          bodyLimit,
          correlationId,
          dropCookies,
        });
        return;
      }
      case 'bad_path':
        sendError(res, 400, {
          code: 'bad_path',
          message: 'path must not contain dot segments or encoded separators',
        });
        return;
      case 'not_found':
        sendError(res, 404, {
          code: 'not_found',
          message: `no route for ${req.method} ${req.path}`,
        });
        return;
      case 'local':
        next();
    }
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const result = await checkUpstreams(readinessTargets, agent);
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(result.ready ? 200 : 503)
      .json({ status: result.ready ? 'ready' : 'not ready', upstreams: result.upstreams });
  });
  app.get('/api/openapi.json', (_req, res) => {
    openApi ??= JSON.stringify(buildOpenApiDocument());
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(openApi);
  });
  app.use(docsRouter());
  app.use(spaRouter(config.WEB_DIST_DIR));
  app.use((req, res) => {
    sendError(res, 404, { code: 'not_found', message: `no route for ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: express.Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 404) {
      sendError(res, 404, { code: 'not_found', message: 'not found' });
      return;
    }
    logger.error({ err }, 'unexpected error');
    if (!res.headersSent) sendError(res, 500, { code: 'internal', message: 'unexpected error' });
  });

  let running: RunningServer | undefined;
  return {
    app,
    async start() {
      running = await startHttpServer(app, {
        port: config.PORT,
        host: config.HOST,
        tlsCertFile: config.TLS_CERT_FILE,
        tlsKeyFile: config.TLS_KEY_FILE,
      });
      // Webhooks in respond mode and SSE streams stay open; no overall request time limit here.
      running.server.requestTimeout = 0;
      return running;
    },
    async stop() {
      await running?.close();
      agent.destroy();
    },
  };
}

function correlationIdOf(req: Request): string {
  return req.correlationId ?? randomUUID();
}
