import { randomBytes } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import { ServiceUnavailableError, type Redis } from '@flowgenie/platform';
import { readCookie } from '../http/refresh-cookie';
import { RedisOneTimeValues } from '../redis/redis-one-time-values';

/**
 * Binds a Google sign-in to the browser that started it. `__Host-`: Secure, Path=/, no Domain.
 * SameSite=Lax, not Strict: Google's redirect back is a cross-site top-level navigation, which
 * carries Lax cookies only.
 */
export const GOOGLE_STATE_COOKIE = '__Host-fg_google_state';
const cookieOptions: CookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' };

/** Redis away: the sign-in cannot start (503), rather than start without a state to check. */
const unavailable = (err: unknown) =>
  new ServiceUnavailableError(
    'Sign in with Google is temporarily unavailable; try again shortly',
    undefined,
    {
      cause: err,
    },
  );

type StoreCallback = (err: Error | null, handle?: string) => void;
type VerifyCallback = (err: Error | null, verifier: string | false, info?: unknown) => void;

/**
 * passport-oauth2's state store for `pkce: true`, kept server-side: `store` makes a random state
 * handle, keeps the PKCE code verifier under it in Redis for `ttlSeconds` and puts the handle in a
 * short-lived cookie; `verify` accepts the callback's `state` only when it equals that cookie and is
 * still in Redis, and deletes it (one use). A forged, replayed, expired or other browser's state
 * fails before any code is exchanged. The method arities (5 and 3) tell passport-oauth2 this store
 * handles PKCE.
 */
export class RedisOAuthStateStore {
  private readonly verifiers: RedisOneTimeValues<{ verifier: string }>;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly ttlSeconds = 600,
  ) {
    this.verifiers = new RedisOneTimeValues(redis, `${prefix}:auth:google-state`);
  }

  store(
    req: Request,
    verifier: string,
    _state: unknown,
    _meta: unknown,
    callback: StoreCallback,
  ): void {
    const handle = randomBytes(24).toString('base64url');
    this.verifiers.put(handle, { verifier }, this.ttlSeconds).then(
      () => {
        (req.res as Response).cookie(GOOGLE_STATE_COOKIE, handle, {
          ...cookieOptions,
          maxAge: this.ttlSeconds * 1000,
        });
        callback(null, handle);
      },
      (err: unknown) => callback(unavailable(err)),
    );
  }

  verify(req: Request, providedState: string, callback: VerifyCallback): void {
    const cookie = readCookie(req.headers.cookie, GOOGLE_STATE_COOKIE);
    (req.res as Response).clearCookie(GOOGLE_STATE_COOKIE, cookieOptions);
    if (typeof providedState !== 'string' || !cookie || cookie !== providedState) {
      callback(null, false, { message: 'the sign-in state does not match this browser' });
      return;
    }
    this.verifiers.take(providedState).then(
      (value) => {
        if (!value) {
          callback(null, false, { message: 'the sign-in request expired or was already used' });
          return;
        }
        callback(null, value.verifier);
      },
      (err: unknown) => callback(unavailable(err), false),
    );
  }
}
