import type { Request } from 'express';
import { DomainError } from '@flowgenie/platform';

export class OriginNotAllowedError extends DomainError {
  readonly code = 'origin_not_allowed';
}

/**
 * A request that uses the refresh cookie must come from one of our origins. SameSite=Strict already
 * keeps other sites' requests cookie-less; this is the second lock (a sibling subdomain is
 * "same-site"). Browsers send `Origin` on every cross-origin POST, so a request without one is not
 * a browser's cross-site request (curl, scripts) and passes.
 */
export function assertAllowedOrigin(req: Request, allowed: readonly string[]): void {
  const origin = req.header('origin');
  if (origin === undefined || allowed.includes(origin)) return;
  throw new OriginNotAllowedError(`the session cookie cannot be used from ${origin.slice(0, 200)}`);
}
