import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { NextFunction, Request, Response } from 'express';
import { DomainError, UnauthorizedError } from './errors';

/** The caller, as every service sees it after verifying the access token. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  /**
   * What the token may do (its `scope` claim; names in @flowgenie/contracts `SESSION_SCOPES`).
   * A token without the claim may do nothing that a route guards with {@link requireScopes}.
   */
  scopes: readonly string[];
  /** The sign-in session the token belongs to (`sid` claim); absent for tokens exchanged from API keys. */
  sessionId?: string;
}

/** The token is valid but lacks a scope the route needs (RFC 6750 `insufficient_scope`). */
export class InsufficientScopeError extends DomainError {
  readonly code = 'insufficient_scope';
  constructor(
    message: string,
    readonly requiredScopes: readonly string[],
  ) {
    super(message);
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** Access tokens carry this JOSE `typ` so a refresh or id token can never pass as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_ALG = 'ES256';

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** For tests: a local key set instead of fetching the JWKS. */
  keySet?: JWTVerifyGetKey;
}

export type TokenVerifier = (token: string) => Promise<AuthenticatedUser>;

/**
 * Verifies access tokens against the auth service's JWKS (fetched once, cached, refetched on an
 * unknown `kid`), pinning algorithm, issuer, audience and token type. `alg: none`, a tampered or an
 * expired token throws UnauthorizedError.
 *
 * @example
 * const verify = createTokenVerifier({ jwksUrl, issuer, audience });
 * app.use('/workflows', requireAuth(verify), routes);
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const keySet =
    opts.keySet ??
    createRemoteJWKSet(new URL(opts.jwksUrl), {
      cacheMaxAge: 10 * 60_000,
      cooldownDuration: 5_000,
    });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        algorithms: [ACCESS_TOKEN_ALG],
        issuer: opts.issuer,
        audience: opts.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') {
        throw new Error('token is missing sub or email');
      }
      const scope = typeof payload.scope === 'string' ? payload.scope : '';
      const user: AuthenticatedUser = {
        id: payload.sub,
        email: payload.email,
        scopes: scope.split(' ').filter(Boolean),
      };
      if (typeof payload.sid === 'string') user.sessionId = payload.sid;
      return user;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (
        code === 'ERR_JWKS_NO_MATCHING_KEY' ||
        code === 'ERR_JWT_EXPIRED' ||
        code?.startsWith('ERR_J')
      ) {
        throw new UnauthorizedError(
          code === 'ERR_JWT_EXPIRED' ? 'access token expired' : 'invalid access token',
        );
      }
      if (err instanceof UnauthorizedError) throw err;
      // JWKS unreachable and similar: still the caller cannot be trusted.
      throw new UnauthorizedError('invalid access token', undefined, { cause: err });
    }
  };
}

/** Express middleware: `Authorization: Bearer <token>` must verify; sets `req.user`. */
export function requireAuth(verify: TokenVerifier) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.header('authorization');
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) {
      next(new UnauthorizedError('missing bearer token'));
      return;
    }
    verify(match[1]).then(
      (user) => {
        req.user = user;
        next();
      },
      (err) => next(err),
    );
  };
}

/**
 * Express middleware behind requireAuth: the token must hold every one of `scopes`, else 403
 * `insufficient_scope` naming the missing one (and a `WWW-Authenticate` challenge saying so).
 *
 * @example
 * router.post('/', requireScopes('workflows:write'), createWorkflow);
 */
export function requireScopes(...scopes: string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const granted = req.user?.scopes ?? [];
    const missing = scopes.filter((s) => !granted.includes(s));
    if (missing.length === 0) {
      next();
      return;
    }
    res.setHeader(
      'WWW-Authenticate',
      `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
    );
    next(
      new InsufficientScopeError(
        `this access token lacks the ${missing.map((s) => `"${s}"`).join(', ')} scope${missing.length > 1 ? 's' : ''}; ` +
          'use a session or an API key created with it',
        scopes,
      ),
    );
  };
}

/**
 * Scopes by HTTP method for a resource: GET/HEAD need `<resource>:read`, anything else
 * `<resource>:write`. Mount it once for a router whose writes are exactly its non-GET routes.
 *
 * @example
 * app.use('/workflows', requireAuth(verify), requireScopesByMethod('workflows'), routes);
 */
export function requireScopesByMethod(resource: string) {
  const read = requireScopes(`${resource}:read`);
  const write = requireScopes(`${resource}:write`);
  return (req: Request, res: Response, next: NextFunction): void => {
    (req.method === 'GET' || req.method === 'HEAD' ? read : write)(req, res, next);
  };
}

/** The authenticated caller of a route behind requireAuth. */
export function userOf(req: Request): AuthenticatedUser {
  if (!req.user) throw new UnauthorizedError('not signed in');
  return req.user;
}
