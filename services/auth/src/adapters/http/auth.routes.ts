import { Router, type NextFunction, type Request, type Response } from 'express';
import { KEY_MANAGEMENT_SCOPE } from '@flowgenie/contracts';
import {
  InsufficientScopeError,
  parseOrThrow,
  requireAuth,
  userOf,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { CreateApiKey } from '../../app/create-api-key';
import type { ExchangeApiKey } from '../../app/exchange-api-key';
import type { GetCurrentUser } from '../../app/get-current-user';
import type { ListApiKeys } from '../../app/list-api-keys';
import type { LogIn } from '../../app/log-in';
import type { LogOut } from '../../app/log-out';
import type { RefreshSession } from '../../app/refresh-session';
import type { RevokeApiKey } from '../../app/revoke-api-key';
import type { Session } from '../../app/session-issuer';
import type { SignUp } from '../../app/sign-up';
import type { ApiKey } from '../../domain/api-key';
import { InvalidRefreshTokenError } from '../../domain/errors';
import type { User } from '../../domain/user';
import { assertAllowedOrigin } from './origin-check';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie';
import {
  CreateApiKeyBody,
  ExchangeApiKeyBody,
  LogInBody,
  LogOutBody,
  RefreshBody,
  SignUpBody,
} from './schemas';

export interface AuthUseCases {
  signUp: SignUp;
  logIn: LogIn;
  refreshSession: RefreshSession;
  logOut: LogOut;
  getCurrentUser: GetCurrentUser;
  createApiKey: CreateApiKey;
  listApiKeys: ListApiKeys;
  revokeApiKey: RevokeApiKey;
  exchangeApiKey: ExchangeApiKey;
}

type Client = 'api' | 'browser';

const userDto = (user: User) => ({
  id: user.id,
  email: user.email,
  createdAt: user.createdAt.toISOString(),
});

const apiKeyDto = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  scopes: key.scopes,
});

/** Cookie always; the refresh token in the body too unless the client is a browser. */
function sendSession(
  req: Request,
  res: Response,
  status: number,
  session: Session,
  client: Client,
): void {
  setRefreshCookie(req, res, session.refreshToken, session.refreshExpiresAt);
  res.status(status).json({
    user: userDto(session.user),
    accessToken: session.accessToken,
    expiresIn: session.expiresIn,
    ...(client === 'browser' ? {} : { refreshToken: session.refreshToken }),
  });
}

/** Key management needs a sign-in session: a token exchanged from a key never holds this scope. */
function requireSignInSession(req: Request, res: Response, next: NextFunction): void {
  if (userOf(req).scopes.includes(KEY_MANAGEMENT_SCOPE)) {
    next();
    return;
  }
  res.setHeader(
    'WWW-Authenticate',
    `Bearer error="insufficient_scope", scope="${KEY_MANAGEMENT_SCOPE}"`,
  );
  next(
    new InsufficientScopeError(
      'managing API keys needs a signed-in session: a token exchanged from an API key cannot list, create or revoke keys',
      [KEY_MANAGEMENT_SCOPE],
    ),
  );
}

export interface AuthRouteOptions {
  /** Origins whose requests may use the refresh cookie (refresh, logout). */
  allowedOrigins: readonly string[];
}

/**
 * The `/auth` routes (`/api/auth` behind the gateway). Express 5 forwards a rejected handler's
 * error to the platform error middleware, which maps DomainError codes to statuses.
 */
export function authRoutes(
  useCases: AuthUseCases,
  verify: TokenVerifier,
  opts: AuthRouteOptions,
): Router {
  const router = Router();
  const authenticated = requireAuth(verify);
  const keyManagement = [authenticated, requireSignInSession];

  /** The caller of a request whose bearer token is optional; an invalid one counts only when `required`. */
  const callerOf = async (req: Request, required: boolean) => {
    const header = req.header('authorization');
    if (header === undefined) return undefined;
    try {
      const user = await verify(header.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '');
      return { userId: user.id, sessionId: user.sessionId };
    } catch (err) {
      if (required) throw err;
      return undefined;
    }
  };

  // Answers carry tokens: no cache may keep them (RFC 6749 §5.1).
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/signup', async (req, res) => {
    const body = parseOrThrow(SignUpBody, req.body ?? {});
    const session = await useCases.signUp.execute({
      email: body.email,
      password: body.password,
      ip: req.ip ?? 'unknown',
    });
    sendSession(req, res, 201, session, body.client ?? 'api');
  });

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LogInBody, req.body ?? {});
    const session = await useCases.logIn.execute({
      email: body.email,
      password: body.password,
      ip: req.ip ?? 'unknown',
    });
    sendSession(req, res, 200, session, body.client ?? 'api');
  });

  router.post('/refresh', async (req, res) => {
    const body = parseOrThrow(RefreshBody, req.body ?? {});
    const fromCookie = body.refreshToken === undefined;
    const refreshToken = body.refreshToken ?? readRefreshCookie(req);
    if (!refreshToken) {
      // The SPA's check on page load: no session is an answer, not an error in its console.
      if (body.probe) {
        res.status(204).end();
        return;
      }
      throw new InvalidRefreshTokenError(
        'no refresh token: send refreshToken in the body or the __Host-fg_refresh cookie',
      );
    }
    if (fromCookie) assertAllowedOrigin(req, opts.allowedOrigins);
    let session: Session;
    try {
      session = await useCases.refreshSession.execute({ refreshToken });
    } catch (err) {
      if (fromCookie && err instanceof InvalidRefreshTokenError) clearRefreshCookie(req, res);
      throw err;
    }
    // A refresh that came by cookie is a browser's unless it says otherwise: keep the token out of script reach.
    sendSession(req, res, 200, session, body.client ?? (fromCookie ? 'browser' : 'api'));
  });

  /**
   * Works with the refresh cookie alone (a browser whose access token is gone or expired), a
   * refresh token in the body, or a bearer token (its session, `sid`). An invalid bearer token
   * beside a refresh token is ignored: signing out must not fail because the access token expired.
   */
  router.post('/logout', async (req, res) => {
    const body = parseOrThrow(LogOutBody, req.body ?? {});
    const cookieToken = readRefreshCookie(req);
    if (body.refreshToken === undefined && cookieToken !== undefined)
      assertAllowedOrigin(req, opts.allowedOrigins);
    const refreshToken = body.refreshToken ?? cookieToken;
    const caller = await callerOf(req, refreshToken === undefined);
    await useCases.logOut.execute({ refreshToken, caller });
    clearRefreshCookie(req, res);
    res.status(204).end();
  });

  router.get('/me', authenticated, async (req, res) => {
    res.json(userDto(await useCases.getCurrentUser.execute({ userId: userOf(req).id })));
  });

  router.post('/api-keys', ...keyManagement, async (req, res) => {
    const body = parseOrThrow(CreateApiKeyBody, req.body ?? {});
    const { apiKey, key } = await useCases.createApiKey.execute({
      userId: userOf(req).id,
      name: body.name,
      scopes: body.scopes,
    });
    const { lastUsedAt: _lastUsedAt, ...created } = apiKeyDto(apiKey);
    res.status(201).json({ ...created, key });
  });

  router.get('/api-keys', ...keyManagement, async (req, res) => {
    const keys = await useCases.listApiKeys.execute({ userId: userOf(req).id });
    res.json({ items: keys.map(apiKeyDto) });
  });

  router.delete('/api-keys/:id', ...keyManagement, async (req, res) => {
    await useCases.revokeApiKey.execute({ userId: userOf(req).id, id: String(req.params.id) });
    res.status(204).end();
  });

  router.post('/token', async (req, res) => {
    const body = parseOrThrow(ExchangeApiKeyBody, req.body ?? {});
    const { token, expiresIn, scopes } = await useCases.exchangeApiKey.execute({
      apiKey: body.apiKey,
    });
    res.json({ accessToken: token, expiresIn, scope: scopes.join(' ') });
  });

  return router;
}
