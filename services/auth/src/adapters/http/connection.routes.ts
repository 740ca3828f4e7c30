import { Router, type Request, type Response } from 'express';
import {
  catalogSchema,
  CONNECTION_OPTION_SOURCES,
  ConnectionAccessRequestSchema,
  ConnectionCheckRequestSchema,
  ConnectionReportRequestSchema,
  CreateCredentialConnectionRequestSchema,
  StartConnectionOAuthRequestSchema,
  type ConnectionOptionSource,
  type ConnectionResponse,
} from '@flowgenie/contracts';
import {
  parseOrThrow,
  requireAuth,
  ValidationError,
  requireScopesByMethod,
  requireServiceToken,
  userOf,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { AccessConnection } from '../../app/connections/access-connection';
import type { CheckConnections } from '../../app/connections/check-connections';
import type { CompleteConnectionOAuth } from '../../app/connections/complete-connection-oauth';
import type { CreateCredentialConnection } from '../../app/connections/create-credential-connection';
import type { DisconnectConnection } from '../../app/connections/disconnect-connection';
import type { ListConnectionOptions } from '../../app/connections/list-connection-options';
import type { ListConnections } from '../../app/connections/list-connections';
import type { ReportConnection } from '../../app/connections/report-connection';
import type { StartConnectionOAuth } from '../../app/connections/start-connection-oauth';
import type { Connection } from '../../domain/connections/connection';
import { ConnectionError, ConnectionNotFoundError } from '../../domain/connections/errors';
import { OAUTH_STATE_TTL_SECONDS } from '../../domain/connections/oauth';
import { readCookie } from './refresh-cookie';

/** The catalog entries' body schemas (`httpRoutes` in @flowgenie/contracts), checked at load. */
const CreateConnectionBody = catalogSchema(
  'post',
  '/api/connections',
  'body',
  CreateCredentialConnectionRequestSchema,
);
const StartOAuthBody = catalogSchema(
  'post',
  '/api/connections/oauth/start',
  'body',
  StartConnectionOAuthRequestSchema,
);

export interface ConnectionUseCases {
  list: ListConnections;
  createCredential: CreateCredentialConnection;
  startOAuth: StartConnectionOAuth;
  completeOAuth: CompleteConnectionOAuth;
  disconnect: DisconnectConnection;
  options: ListConnectionOptions;
  access: AccessConnection;
  report: ReportConnection;
  check: CheckConnections;
}

/**
 * Binds a consent dance to the browser that started it. SameSite=Lax: the provider's redirect back
 * is a top-level GET from another site, which Strict would strip.
 */
export const OAUTH_BINDING_COOKIE = '__Host-fg_oauth';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only shape a connection leaves auth in: no secret, ever. */
export const connectionDto = (c: Connection): ConnectionResponse => ({
  id: c.id,
  provider: c.provider,
  name: c.name,
  account: c.account,
  status: c.status,
  statusReason: c.statusReason,
  scopes: c.scopes,
  createdAt: c.createdAt.toISOString(),
  lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
});

const idOf = (req: Request): string => {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw new ConnectionNotFoundError();
  return id.toLowerCase();
};

/**
 * `/connections` (`/api/connections` behind the gateway). GET needs `connections:read`, anything
 * else `connections:write`; the OAuth callback carries no token (the provider sends the browser
 * back) and is checked by its state and the binding cookie instead.
 */
export function connectionRoutes(
  uc: ConnectionUseCases,
  verify: TokenVerifier,
  opts: { publicBaseUrl: string; log: { error(fields: object, message: string): void } },
): Router {
  const router = Router();
  const appUrl = (query: Record<string, string>) =>
    `${opts.publicBaseUrl.replace(/\/+$/, '')}/connections?${new URLSearchParams(query)}`;

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/oauth/callback', async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    res.clearCookie(OAUTH_BINDING_COOKIE, {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
    });
    try {
      const { connectionId } = await uc.completeOAuth.execute({
        state: str(q.state),
        code: str(q.code),
        error: str(q.error),
        browserBinding: readCookie(req.headers.cookie, OAUTH_BINDING_COOKIE),
      });
      res.redirect(302, appUrl({ connected: connectionId }));
    } catch (err) {
      const code = err instanceof ConnectionError ? err.code : 'connect_failed';
      if (!(err instanceof ConnectionError)) opts.log.error({ err }, 'OAuth callback failed');
      res.redirect(302, appUrl({ error: code }));
    }
  });

  router.use(requireAuth(verify), requireScopesByMethod('connections'));

  router.get('/', async (req, res) => {
    const items = await uc.list.execute({ ownerId: userOf(req).id });
    res.json({ items: items.map(connectionDto) });
  });

  router.post('/', async (req, res) => {
    const request = parseOrThrow(CreateConnectionBody, req.body ?? {});
    const created = await uc.createCredential.execute({ ownerId: userOf(req).id, request });
    res.status(201).json(connectionDto(created));
  });

  router.post('/oauth/start', async (req, res) => {
    const request = parseOrThrow(StartOAuthBody, req.body ?? {});
    const started = await uc.startOAuth.execute({ ownerId: userOf(req).id, request });
    res.cookie(OAUTH_BINDING_COOKIE, started.browserBinding, {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge: OAUTH_STATE_TTL_SECONDS * 1000,
    });
    res.json({ authorizeUrl: started.authorizeUrl });
  });

  router.delete('/:id', async (req, res) => {
    await uc.disconnect.execute({ ownerId: userOf(req).id, connectionId: idOf(req) });
    res.status(204).end();
  });

  router.get('/:id/options/:source', async (req, res) => {
    const connectionId = idOf(req);
    const source = String(req.params.source);
    if (!(CONNECTION_OPTION_SOURCES as readonly string[]).includes(source)) {
      throw new ValidationError(`unknown options source ${source}`, [
        { path: 'source', message: `must be one of ${CONNECTION_OPTION_SOURCES.join(', ')}` },
      ]);
    }
    res.json(
      await uc.options.execute({
        ownerId: userOf(req).id,
        connectionId,
        source: source as ConnectionOptionSource,
      }),
    );
  });

  return router;
}

/**
 * `/internal/connections` for the executor, the trigger service and the catalog (the gateway never routes
 * `/internal`): service token, then the caller names the owner; another owner's id is 404.
 */
export function internalConnectionRoutes(uc: ConnectionUseCases, serviceToken: string): Router {
  const router = Router();
  router.use(requireServiceToken(serviceToken));
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  // Credential-free: whether each connection a workflow names would work (the catalog, at publish).
  router.post('/check', async (req, res) => {
    const body = parseOrThrow(ConnectionCheckRequestSchema, req.body ?? {});
    const items = await uc.check.execute({
      ownerId: body.ownerId.toLowerCase(),
      items: body.items,
    });
    res.json({ items });
  });

  router.post('/:id/access', async (req, res) => {
    const connectionId = idOf(req);
    const body = parseOrThrow(ConnectionAccessRequestSchema, req.body ?? {});
    res.json(
      await uc.access.execute({
        ownerId: body.ownerId.toLowerCase(),
        connectionId,
        requiredScopes: body.requiredScopes,
      }),
    );
  });

  router.post('/:id/report', async (req, res) => {
    const connectionId = idOf(req);
    const body = parseOrThrow(ConnectionReportRequestSchema, req.body ?? {});
    await uc.report.execute({
      ownerId: body.ownerId.toLowerCase(),
      connectionId,
      status: body.status,
      reason: body.reason,
    });
    res.status(204).end();
  });

  return router;
}
