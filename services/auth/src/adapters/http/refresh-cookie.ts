import type { CookieOptions, Request, Response } from 'express';

/**
 * `__Host-` makes the browser accept the cookie only when it is Secure, has `Path=/` and no
 * `Domain`: no sibling subdomain or plain-HTTP page can set or shadow it.
 */
export const REFRESH_COOKIE = '__Host-fg_refresh';
/** The name and path used before; read once more and cleared, so signed-in browsers carry over. */
const LEGACY_COOKIE = 'fg_refresh';
const LEGACY_PATH = '/api/auth';

/**
 * Never readable by scripts, never sent by another site. Path=/ (which `__Host-` requires) sends it
 * with every request to the origin; the gateway strips it from requests to other services.
 */
const cookieOptions: CookieOptions = {
  httpOnly: true,
  secure: true,
  sameSite: 'strict',
  path: '/',
};

export function setRefreshCookie(req: Request, res: Response, token: string, expires: Date): void {
  res.cookie(REFRESH_COOKIE, token, { ...cookieOptions, expires });
  clearLegacyCookie(req, res);
}

export function clearRefreshCookie(req: Request, res: Response): void {
  res.clearCookie(REFRESH_COOKIE, cookieOptions);
  clearLegacyCookie(req, res);
}

function clearLegacyCookie(req: Request, res: Response): void {
  if (readCookie(req.headers.cookie, LEGACY_COOKIE) !== undefined)
    res.clearCookie(LEGACY_COOKIE, { ...cookieOptions, path: LEGACY_PATH });
}

/** The refresh cookie's value, if the request carries one (the legacy name as a fallback). */
export function readRefreshCookie(req: Request): string | undefined {
  return (
    readCookie(req.headers.cookie, REFRESH_COOKIE) ?? readCookie(req.headers.cookie, LEGACY_COOKIE)
  );
}

/** Reads one cookie from a `Cookie` header (RFC 6265 pairs separated by `;`). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded as we write it: take it as sent.
    }
    return value || undefined;
  }
  return undefined;
}
