import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  catalogSchema,
  KEY_MANAGEMENT_SCOPE,
  LinkGoogleRequestSchema,
  type GoogleSignInConfigResponse,
} from '@flowgenie/contracts';
import {
  InsufficientScopeError,
  parseOrThrow,
  requireAuth,
  userOf,
  type Logger,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { LinkGoogleIdentity } from '../../app/link-google-identity';
import type { SignInWithGoogle } from '../../app/sign-in-with-google';
import { GoogleSignInDisabledError, GoogleSignInError } from '../../domain/google-sign-in-errors';
import type { GooglePassport } from '../google/google-passport';
import { setRefreshCookie } from './refresh-cookie';

/** The catalog entry's body schema (`httpRoutes` in @flowgenie/contracts), checked at load. */
const LinkGoogleBody = catalogSchema(
  'post',
  '/api/auth/google/link',
  'body',
  LinkGoogleRequestSchema,
);

export type GoogleSignInSetup =
  { enabled: true; fake: boolean; passport: GooglePassport } | { enabled: false; reason: string };

export interface GoogleSignInRouteDeps {
  setup: GoogleSignInSetup;
  signIn: SignInWithGoogle;
  link: LinkGoogleIdentity;
  verify: TokenVerifier;
  logger: Logger;
}

/** Only a sign-in session (not a token exchanged from an API key) may link an account. */
function requireSignInSession(req: Request, res: Response, next: NextFunction): void {
  if (userOf(req).scopes.includes(KEY_MANAGEMENT_SCOPE)) return next();
  res.setHeader(
    'WWW-Authenticate',
    `Bearer error="insufficient_scope", scope="${KEY_MANAGEMENT_SCOPE}"`,
  );
  next(
    new InsufficientScopeError(
      'linking a Google account needs a signed-in session: a token exchanged from an API key cannot',
      [KEY_MANAGEMENT_SCOPE],
    ),
  );
}

/** Relative: the callback is served on the app's origin (through the gateway). */
const loginWith = (param: 'error' | 'link', value: string) =>
  `/login?${param}=${encodeURIComponent(value)}`;

/**
 * `/auth/google/*` (`/api/auth/google/*` behind the gateway): Sign in with Google and linking it to
 * a password account. The start and callback routes are browser navigations; the callback answers
 * with redirects only, never JSON, and never puts a token in a URL.
 */
export function googleSignInRoutes(deps: GoogleSignInRouteDeps): Router {
  const router = Router();
  const { setup, logger } = deps;

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/config', (_req, res) => {
    const body: GoogleSignInConfigResponse = setup.enabled
      ? { enabled: true, fake: setup.fake }
      : { enabled: false, reason: setup.reason };
    res.json(body);
  });

  router.get('/start', (req, res, next) => {
    if (!setup.enabled) throw new GoogleSignInDisabledError(setup.reason);
    setup.passport.start(req, res, next);
  });

  router.get('/callback', async (req, res) => {
    if (!setup.enabled) return res.redirect(302, loginWith('error', 'google_sign_in_disabled'));
    const result = await setup.passport.finish(req, res);
    if (!result.ok) {
      logger.warn({ code: result.code, reason: result.reason }, 'Google sign-in refused');
      return res.redirect(302, loginWith('error', result.code));
    }
    try {
      const outcome = await deps.signIn.execute(result.profile);
      if (outcome.kind === 'link_required') {
        logger.info('Google sign-in waits for the password account to prove itself before linking');
        return res.redirect(302, loginWith('link', outcome.linkToken));
      }
      setRefreshCookie(req, res, outcome.session.refreshToken, outcome.session.refreshExpiresAt);
      logger.info(
        { userId: outcome.session.user.id, created: outcome.created },
        'signed in with Google',
      );
      res.redirect(302, '/');
    } catch (err) {
      if (!(err instanceof GoogleSignInError)) throw err;
      logger.warn({ code: err.code }, 'Google sign-in refused');
      res.redirect(302, loginWith('error', err.code));
    }
  });

  router.post('/link', requireAuth(deps.verify), requireSignInSession, async (req, res) => {
    const body = parseOrThrow(LinkGoogleBody, req.body ?? {});
    const { email } = await deps.link.execute({
      userId: userOf(req).id,
      linkToken: body.linkToken,
    });
    logger.info({ userId: userOf(req).id }, 'Google account linked');
    res.json({ linked: true, email });
  });

  return router;
}
