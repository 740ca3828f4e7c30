import type { CookieOptions, Request, Response } from 'express';

export const REFRESH_COOKIE = 'fg_refresh';

/**
 * The browser sees the service behind the gateway's `/api` prefix, so the cookie is scoped to
 * `/api/auth` (refresh and logout), never sent to other services and never readable by scripts.
 */
const cookieOptions: CookieOptions = { httpOnly: true, secure: true, sameSite: 'strict', path: '/api/auth' };

export function setRefreshCookie(res: Response, token: string, expires: Date): void {
  res.cookie(REFRESH_COOKIE, token, { ...cookieOptions, expires });
}

export function clearRefreshCookie(res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions);
}

/** The refresh cookie's value, if the request carries one. */
export function readRefreshCookie(req: Request): string | undefined {
  return readCookie(req.headers.cookie, REFRESH_COOKIE);
}

/** Reads one cookie from a `Cookie` header (RFC 6265 pairs separated by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded as we write it: take it as sent.
    }
    return value || undefined;
  }
  return undefined;
}
