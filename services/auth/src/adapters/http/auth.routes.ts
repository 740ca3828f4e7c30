import { Router, type Response } from 'express';
import { parseOrThrow, requireAuth, userOf, type TokenVerifier } from '@flowgenie/platform';
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
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './refresh-cookie';
import { CreateApiKeyBody, ExchangeApiKeyBody, LogInBody, LogOutBody, RefreshBody, SignUpBody } from './schemas';

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

const userDto = (user: User) => ({ id: user.id, email: user.email, createdAt: user.createdAt.toISOString() });

const apiKeyDto = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
});

/** Cookie always; the refresh token in the body too unless the client is a browser. */
function sendSession(res: Response, status: number, session: Session, client: Client): void {
  setRefreshCookie(res, session.refreshToken, session.refreshExpiresAt);
  res.status(status).json({
    user: userDto(session.user),
    accessToken: session.accessToken,
    expiresIn: session.expiresIn,
    ...(client === 'browser' ? {} : { refreshToken: session.refreshToken }),
  });
}

/**
 * The `/auth` routes (`/api/auth` behind the gateway). Express 5 forwards a rejected handler's
 * error to the platform error middleware, which maps DomainError codes to statuses.
 */
export function authRoutes(useCases: AuthUseCases, verify: TokenVerifier): Router {
  const router = Router();
  const authenticated = requireAuth(verify);

  // Answers carry tokens: no cache may keep them (RFC 6749 §5.1).
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.post('/signup', async (req, res) => {
    const body = parseOrThrow(SignUpBody, req.body ?? {});
    const session = await useCases.signUp.execute(body);
    sendSession(res, 201, session, body.client ?? 'api');
  });

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LogInBody, req.body ?? {});
    const session = await useCases.logIn.execute({ email: body.email, password: body.password, ip: req.ip ?? 'unknown' });
    sendSession(res, 200, session, body.client ?? 'api');
  });

  router.post('/refresh', async (req, res) => {
    const body = parseOrThrow(RefreshBody, req.body ?? {});
    const fromCookie = body.refreshToken === undefined;
    const refreshToken = body.refreshToken ?? readRefreshCookie(req);
    if (!refreshToken) {
      throw new InvalidRefreshTokenError('no refresh token: send refreshToken in the body or the fg_refresh cookie');
    }
    let session: Session;
    try {
      session = await useCases.refreshSession.execute({ refreshToken });
    } catch (err) {
      if (fromCookie && err instanceof InvalidRefreshTokenError) clearRefreshCookie(res);
      throw err;
    }
    // A refresh that came by cookie is a browser's unless it says otherwise: keep the token out of script reach.
    sendSession(res, 200, session, body.client ?? (fromCookie ? 'browser' : 'api'));
  });

  router.post('/logout', authenticated, async (req, res) => {
    const body = parseOrThrow(LogOutBody, req.body ?? {});
    await useCases.logOut.execute({ userId: userOf(req).id, refreshToken: body.refreshToken ?? readRefreshCookie(req) });
    clearRefreshCookie(res);
    res.status(204).end();
  });

  router.get('/me', authenticated, async (req, res) => {
    res.json(userDto(await useCases.getCurrentUser.execute({ userId: userOf(req).id })));
  });

  router.post('/api-keys', authenticated, async (req, res) => {
    const body = parseOrThrow(CreateApiKeyBody, req.body ?? {});
    const { apiKey, key } = await useCases.createApiKey.execute({ userId: userOf(req).id, name: body.name });
    const { lastUsedAt: _lastUsedAt, ...created } = apiKeyDto(apiKey);
    res.status(201).json({ ...created, key });
  });

  router.get('/api-keys', authenticated, async (req, res) => {
    const keys = await useCases.listApiKeys.execute({ userId: userOf(req).id });
    res.json({ items: keys.map(apiKeyDto) });
  });

  router.delete('/api-keys/:id', authenticated, async (req, res) => {
    await useCases.revokeApiKey.execute({ userId: userOf(req).id, id: String(req.params.id) });
    res.status(204).end();
  });

  router.post('/token', async (req, res) => {
    const body = parseOrThrow(ExchangeApiKeyBody, req.body ?? {});
    const { token, expiresIn } = await useCases.exchangeApiKey.execute({ apiKey: body.apiKey });
    res.json({ accessToken: token, expiresIn });
  });

  return router;
}
