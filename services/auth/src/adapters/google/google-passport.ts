import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { Passport } from 'passport';
import { Strategy as GoogleStrategy, type Profile } from 'passport-google-oauth20';
import type { StateStore } from 'passport-oauth2';
import type { GoogleEndpoints } from '@flowgenie/integrations';
import { normaliseEmail } from '../../domain/email';
import type { GoogleProfile } from '../../domain/google-identity';
import type { RedisOAuthStateStore } from './redis-oauth-state-store';

export interface GooglePassportSettings {
  clientId: string;
  clientSecret: string;
  /** Where Google sends the browser back: `<PUBLIC_BASE_URL>/api/auth/google/callback`. */
  callbackUrl: string;
  endpoints: GoogleEndpoints;
  scopes: readonly string[];
  stateStore: RedisOAuthStateStore;
}

/** How a callback ended, when it did not yield a profile: the code goes to `/login?error=<code>`. */
export type GoogleCallbackFailure = {
  ok: false;
  code: 'google_access_denied' | 'google_state_invalid' | 'google_sign_in_failed';
  /** For the log: what went wrong (never a token). */
  reason: string;
};
export type GoogleCallbackResult = { ok: true; profile: GoogleProfile } | GoogleCallbackFailure;

/** Google has issued id_tokens with either issuer spelling. */
function issuersOf(issuer: string): string[] {
  return issuer === 'https://accounts.google.com' ? [issuer, 'accounts.google.com'] : [issuer];
}

const isTrue = (v: unknown) => v === true || v === 'true';

/**
 * Sign in with Google through passport-google-oauth20: authorization code flow with `state` and
 * PKCE (S256) kept by `RedisOAuthStateStore`, endpoints from configuration (the local fake or
 * Google). The token answer's id_token is verified (signature by the provider's JWKS, issuer,
 * audience = our client id, expiry) and must name the same `sub` as the userinfo answer; the email
 * counts as verified only when both say `email_verified`.
 */
export class GooglePassport {
  private readonly passport = new Passport();
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: GooglePassportSettings) {
    this.jwks = createRemoteJWKSet(new URL(settings.endpoints.jwksUrl));
    this.passport.use(
      new GoogleStrategy(
        {
          clientID: settings.clientId,
          clientSecret: settings.clientSecret,
          callbackURL: settings.callbackUrl,
          authorizationURL: settings.endpoints.authorizeUrl,
          tokenURL: settings.endpoints.tokenUrl,
          userProfileURL: settings.endpoints.userInfoUrl,
          scope: [...settings.scopes],
          pkce: true,
          state: true,
          store: settings.stateStore as unknown as StateStore,
        },
        // Arity 5 (with `params`) makes passport-oauth2 hand over the token answer and its id_token.
        (
          _accessToken: string,
          _refreshToken: string,
          params: { id_token?: unknown },
          profile: Profile,
          done: (err: unknown, user?: GoogleProfile) => void,
        ) => {
          this.profileOf(params.id_token, profile).then((p) => done(null, p), done);
        },
      ),
    );
  }

  /** Redirects the browser to Google's consent screen (302), after storing state and PKCE verifier. */
  start(req: Request, res: Response, next: NextFunction): void {
    this.passport.authenticate('google', { session: false, prompt: 'select_account' })(
      req,
      res,
      next,
    );
  }

  /** Checks state, exchanges the code with the PKCE verifier, verifies the id_token. */
  finish(req: Request, res: Response): Promise<GoogleCallbackResult> {
    const query = req.query as Record<string, unknown>;
    if (query.code === undefined && query.error === undefined) {
      // Without this passport would start a new sign-in from the callback URL.
      return Promise.resolve({
        ok: false,
        code: 'google_state_invalid',
        reason: 'the callback carries neither code nor error',
      });
    }
    return new Promise((resolve) => {
      const fail = (code: GoogleCallbackFailure['code'], reason: string) =>
        resolve({ ok: false, code, reason });
      this.passport.authenticate(
        'google',
        { session: false },
        (err: unknown, user: GoogleProfile | false, info: { message?: string } | undefined) => {
          if (err) return fail('google_sign_in_failed', describe(err));
          if (user) return resolve({ ok: true, profile: user });
          if (query.error === 'access_denied')
            return fail('google_access_denied', 'the user cancelled on Google');
          fail('google_state_invalid', info?.message ?? 'state check failed');
        },
      )(req, res, (err: unknown) => fail('google_sign_in_failed', describe(err)));
    });
  }

  private async profileOf(idToken: unknown, profile: Profile): Promise<GoogleProfile> {
    if (typeof idToken !== 'string')
      throw new Error('the token answer has no id_token (is the openid scope granted?)');
    const { payload } = await jwtVerify<JWTPayload & Record<string, unknown>>(idToken, this.jwks, {
      issuer: issuersOf(this.settings.endpoints.issuer),
      audience: this.settings.clientId,
    });
    if (!payload.sub || payload.sub !== profile.id)
      throw new Error('the id_token and the userinfo answer name different accounts');
    const email = typeof payload.email === 'string' ? payload.email : undefined;
    if (!email)
      throw new Error('Google did not share the email address (is the email scope granted?)');
    const userinfo = (profile._json ?? {}) as Record<string, unknown>;
    return {
      sub: payload.sub,
      email: normaliseEmail(email),
      emailVerified: isTrue(payload.email_verified) && userinfo.email_verified !== false,
    };
  }
}

/** An error's name and message, for a log line (OAuth errors carry no tokens in these). */
function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${err.name}: ${err.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  return String(err);
}
