import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from './http-errors';

/**
 * The header the internal service token travels in when SigV4 owns `Authorization` (a call to a
 * function URL with `authType: AWS_IAM`, signed by `functionUrlFetch`).
 */
export const SERVICE_TOKEN_HEADER = 'x-flowgenie-service-token';

/**
 * Service-to-service authentication of `/internal`: `Authorization: Bearer <INTERNAL_SERVICE_TOKEN>`
 * (or, when Authorization holds a SigV4 signature, `x-flowgenie-service-token: <token>`),
 * compared in constant time (both sides hashed first, so neither the length nor a prefix leaks).
 * Anything else is 401 before the route runs. In AWS the function URL's IAM auth comes first; this
 * stays as the second layer (and the only one locally).
 */
export function requireServiceToken(expected: string) {
  const want = createHash('sha256').update(expected).digest();
  return (req: Request, res: Response, next: NextFunction): void => {
    const presented =
      /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1] ??
      req.header(SERVICE_TOKEN_HEADER)?.trim() ??
      '';
    const got = createHash('sha256').update(presented).digest();
    if (expected.length > 0 && presented.length > 0 && timingSafeEqual(got, want)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="flowgenie-internal"');
    sendError(res, 401, {
      code: 'unauthorized',
      message: 'this endpoint is for FlowGenie services: send the internal service token',
    });
  };
}

/**
 * `requireServiceToken` with the token read when first needed (a file or a secret read at boot):
 * until it can be read, 503, and the next request tries again.
 *
 * @example
 * router.use(requireServiceTokenFrom(() => loadInternalServiceToken(config)));
 */
export function requireServiceTokenFrom(load: () => Promise<string>): RequestHandler {
  let check: Promise<RequestHandler> | undefined;
  return async (req, res, next) => {
    let tokenCheck: RequestHandler;
    try {
      tokenCheck = await (check ??= load().then(requireServiceToken));
    } catch (err) {
      check = undefined;
      sendError(res, 503, {
        code: 'service_unavailable',
        message: `the internal service token cannot be read: ${(err as Error).message}`,
      });
      return;
    }
    tokenCheck(req, res, next);
  };
}
