import type { NextFunction, Request, Response } from 'express';
import type { AccessToken, GoogleOAuthStore } from './oauth-store';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** Google's JSON error body: { error: { code, message, errors: [{ message, domain, reason }], status } }. */
export function googleErrorBody(
  code: number,
  message: string,
  reason: string,
  extra: Record<string, string> = {},
): object {
  return {
    error: {
      code,
      message,
      errors: [
        {
          message,
          domain: reason === 'rateLimitExceeded' ? 'usageLimits' : 'global',
          reason,
          ...extra,
        },
      ],
      status: STATUS_NAMES[code] ?? 'UNKNOWN',
    },
  };
}

export function sendGoogleError(
  res: Response,
  code: number,
  message: string,
  reason: string,
  extra?: Record<string, string>,
): void {
  res.status(code).json(googleErrorBody(code, message, reason, extra));
}

export const notFound = (res: Response) =>
  sendGoogleError(res, 404, 'Requested entity was not found.', 'notFound');

export const badRequest = (res: Response, message: string, reason = 'invalid') =>
  sendGoogleError(res, 400, message, reason);

/** The access token a request was authorised with (set by requireToken). */
export function tokenOf(res: Response): AccessToken {
  return res.locals.accessToken as AccessToken;
}

/**
 * Bearer token check for every API route: 401 with Google's body for a missing, unknown,
 * expired or revoked token. `access_token` in the query works too, as on Google.
 */
export function requireToken(store: GoogleOAuthStore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const token =
      bearer || (typeof req.query.access_token === 'string' ? req.query.access_token : undefined);
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="https://accounts.google.com/"');
      return sendGoogleError(
        res,
        401,
        'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'required',
        { location: 'Authorization', locationType: 'header' },
      );
    }
    const active = store.activeAccessToken(token);
    if (!active) {
      res.setHeader(
        'WWW-Authenticate',
        'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      );
      return sendGoogleError(
        res,
        401,
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        'authError',
        { location: 'Authorization', locationType: 'header' },
      );
    }
    res.locals.accessToken = active;
    next();
  };
}

/** 403 insufficientPermissions unless the token carries one of `anyOf`. */
export function requireScope(...anyOf: string[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const token = tokenOf(res);
    if (anyOf.some((s) => token.scopes.includes(s))) return next();
    res.setHeader(
      'WWW-Authenticate',
      `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${anyOf.join(' ')}"`,
    );
    sendGoogleError(
      res,
      403,
      'Request had insufficient authentication scopes.',
      'insufficientPermissions',
    );
  };
}
