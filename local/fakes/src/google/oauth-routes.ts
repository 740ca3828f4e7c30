import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { exportSPKI, SignJWT, type CryptoKey, type JWK } from 'jose';
import {
  consentPage,
  escapeHtml,
  firstString,
  randomToken,
  redirectUriAllowed,
  redirectWith,
} from '../common';
import { requireScope, requireToken, tokenOf } from './errors';
import {
  ACCESS_TOKEN_SECONDS,
  GoogleOAuthStore,
  normalizeScopes,
  pkceMatches,
  SCOPE_ALIASES,
  type AccessToken,
  type Grant,
  type GoogleAccount,
} from './oauth-store';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface GoogleOAuthContext {
  store: GoogleOAuthStore;
  key: SigningKey;
  baseUrl(): string;
  issuer(): string;
  now(): number;
  /** When set, the authorization endpoint approves at once for this account (tests). */
  autoApprove(): string | undefined;
}

interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  offline: boolean;
  includeGrantedScopes: boolean;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  loginHint?: string;
}

const OPENID_SCOPES = ['openid', SCOPE_ALIASES.email, SCOPE_ALIASES.profile];

function errorPage(res: Response, status: number, title: string, detail: string): void {
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html><html><body><h1>Error ${status}: ${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`,
    );
}

function tokenError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({ error, error_description: description });
}

function clientCredentials(req: Request): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (basic) {
    const [id, ...secret] = Buffer.from(basic, 'base64').toString().split(':');
    return { clientId: decodeURIComponent(id), clientSecret: decodeURIComponent(secret.join(':')) };
  }
  const body = (req.body ?? {}) as Record<string, unknown>;
  return { clientId: firstString(body.client_id), clientSecret: firstString(body.client_secret) };
}

function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export function googleOAuthRouter(ctx: GoogleOAuthContext): Router {
  const router = Router();
  const { store } = ctx;
  const pending = new Map<string, PendingAuthorization>();

  router.get('/.well-known/openid-configuration', (_req, res) => {
    const base = ctx.baseUrl();
    res.json({
      issuer: ctx.issuer(),
      authorization_endpoint: `${base}/o/oauth2/v2/auth`,
      token_endpoint: `${base}/token`,
      userinfo_endpoint: `${base}/v1/userinfo`,
      revocation_endpoint: `${base}/revoke`,
      jwks_uri: `${base}/oauth2/v3/certs`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: [
        'aud',
        'email',
        'email_verified',
        'exp',
        'family_name',
        'given_name',
        'iat',
        'iss',
        'name',
        'picture',
        'sub',
        'nonce',
        'at_hash',
        'azp',
      ],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    });
  });

  router.get('/oauth2/v3/certs', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').json({ keys: [ctx.key.publicJwk] });
  });
  // google-auth-library's verifyIdToken reads PEM keys by kid from here.
  router.get('/oauth2/v1/certs', async (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=3600')
      .json({ [ctx.key.kid]: await exportSPKI(ctx.key.publicKey) });
  });

  const approve = (res: Response, request: PendingAuthorization, account: GoogleAccount) => {
    const scopes = store.scopesToGrant(
      request.clientId,
      account.sub,
      request.scopes,
      request.includeGrantedScopes,
    );
    const code = store.issueCode({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      sub: account.sub,
      scopes,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      nonce: request.nonce,
      offline: request.offline,
    });
    res.redirect(
      302,
      redirectWith(request.redirectUri, {
        state: request.state,
        code,
        scope: scopes.join(' '),
        authuser: '0',
        prompt: 'consent',
      }),
    );
  };

  const authorize = (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const clientId = firstString(q.client_id);
    const client = clientId ? store.clients.get(clientId) : undefined;
    if (!client) return errorPage(res, 401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = firstString(q.redirect_uri) ?? '';
    if (!redirectUriAllowed(client.redirectUris, redirectUri))
      return errorPage(
        res,
        400,
        'redirect_uri_mismatch',
        `The redirect URI in the request, ${redirectUri}, does not match the ones authorized for the OAuth client.`,
      );
    const state = firstString(q.state);
    const fail = (error: string, description: string) =>
      res.redirect(
        302,
        redirectWith(redirectUri, { error, error_description: description, state }),
      );
    if (firstString(q.response_type) !== 'code')
      return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const scopes = normalizeScopes((firstString(q.scope) ?? '').split(/[\s+]+/));
    if (scopes.length === 0)
      return errorPage(res, 400, 'invalid_request', 'Missing required parameter: scope');
    const codeChallenge = firstString(q.code_challenge);
    const codeChallengeMethod =
      firstString(q.code_challenge_method) ?? (codeChallenge ? 'plain' : undefined);
    if (codeChallenge && !['plain', 'S256'].includes(codeChallengeMethod!))
      return fail('invalid_request', 'Invalid code_challenge_method.');
    const request: PendingAuthorization = {
      clientId: client.clientId,
      redirectUri,
      scopes,
      state,
      offline: firstString(q.access_type) === 'offline',
      includeGrantedScopes: firstString(q.include_granted_scopes) === 'true',
      codeChallenge,
      codeChallengeMethod,
      nonce: firstString(q.nonce),
      loginHint: firstString(q.login_hint)?.toLowerCase(),
    };
    // Non-interactive approval for tests: ?fake_auto_approve=1 (with login_hint) or the control setting.
    const auto = firstString(q.fake_auto_approve) ? (request.loginHint ?? '') : ctx.autoApprove();
    if (auto !== undefined) {
      const account = auto ? store.accounts.get(auto) : [...store.accounts.values()][0];
      if (!account) return fail('access_denied', `No seeded account ${auto}.`);
      return approve(res, request, account);
    }
    const requestId = randomToken(12);
    pending.set(requestId, request);
    res.type('html').send(
      consentPage({
        provider: 'Google',
        clientName: client.name ?? client.clientId,
        scopes,
        action: `${ctx.baseUrl()}/o/oauth2/v2/auth/decision`,
        requestId,
        choices: [...store.accounts.values()].map((a) => ({
          value: a.email,
          label: `${a.name} <${a.email}>`,
        })),
        selected: request.loginHint,
      }),
    );
  };
  router.get('/o/oauth2/v2/auth', authorize);
  router.get('/o/oauth2/auth', authorize);

  router.post('/o/oauth2/v2/auth/decision', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const requestId = firstString(body.request) ?? '';
    const request = pending.get(requestId);
    if (!request)
      return errorPage(
        res,
        400,
        'invalid_request',
        'This sign-in request has expired or was already used.',
      );
    pending.delete(requestId);
    if (firstString(body.decision) !== 'allow')
      return res.redirect(
        302,
        redirectWith(request.redirectUri, { error: 'access_denied', state: request.state }),
      );
    const account = store.accounts.get((firstString(body.account) ?? '').toLowerCase());
    if (!account) return errorPage(res, 400, 'invalid_request', 'Choose an account.');
    approve(res, request, account);
  });

  const idToken = async (grant: Grant, access: AccessToken, nonce?: string) => {
    const account = store.accountBySub(grant.sub)!;
    const claims: Record<string, unknown> = {
      azp: grant.clientId,
      sub: account.sub,
      at_hash: atHash(access.token),
    };
    if (grant.scopes.includes(SCOPE_ALIASES.email))
      Object.assign(claims, { email: account.email, email_verified: account.emailVerified });
    if (grant.scopes.includes(SCOPE_ALIASES.profile))
      Object.assign(claims, {
        name: account.name,
        picture: account.picture,
        given_name: account.givenName,
        family_name: account.familyName,
      });
    if (nonce) claims.nonce = nonce;
    const iat = Math.floor(ctx.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: ctx.key.kid, typ: 'JWT' })
      .setIssuer(ctx.issuer())
      .setAudience(grant.clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(ctx.key.privateKey);
  };

  const tokenResponse = async (grant: Grant, withRefresh: boolean, nonce?: string) => {
    const access = store.issueAccessToken(grant);
    return {
      access_token: access.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      ...(withRefresh && grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
      scope: grant.scopes.join(' '),
      token_type: 'Bearer',
      ...(grant.scopes.includes('openid') ? { id_token: await idToken(grant, access, nonce) } : {}),
    };
  };

  const token = async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { clientId, clientSecret } = clientCredentials(req);
    const client = clientId ? store.clients.get(clientId) : undefined;
    if (!client) return tokenError(res, 401, 'invalid_client', 'The OAuth client was not found.');
    if (client.clientSecret !== clientSecret)
      return tokenError(res, 401, 'invalid_client', 'Unauthorized');
    const grantType = firstString(body.grant_type);
    if (grantType === 'authorization_code') {
      const code = store.takeCode(firstString(body.code) ?? '');
      if (!code || code.clientId !== client.clientId)
        return tokenError(res, 400, 'invalid_grant', 'Malformed auth code.');
      if (code.redirectUri !== firstString(body.redirect_uri))
        return tokenError(res, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (code.codeChallenge) {
        const verifier = firstString(body.code_verifier);
        if (!verifier) return tokenError(res, 400, 'invalid_grant', 'Missing code verifier.');
        if (!pkceMatches(code.codeChallenge, code.codeChallengeMethod, verifier))
          return tokenError(res, 400, 'invalid_grant', 'Invalid code verifier.');
      }
      const grant = store.createGrant(client.clientId, code.sub, code.scopes, code.offline);
      return res.json(await tokenResponse(grant, true, code.nonce));
    }
    if (grantType === 'refresh_token') {
      const grant = store.grantForRefreshToken(firstString(body.refresh_token) ?? '');
      if (!grant || grant.clientId !== client.clientId)
        return tokenError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
      return res.json(await tokenResponse(grant, false));
    }
    tokenError(res, 400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
  };
  router.post('/token', token);
  router.post('/o/oauth2/token', token);

  const revoke = (req: Request, res: Response) => {
    const value =
      firstString(req.query.token) ??
      firstString((req.body as Record<string, unknown> | undefined)?.token);
    if (!value || !store.revoke(value))
      return tokenError(res, 400, 'invalid_token', 'Token expired or revoked');
    res.json({});
  };
  router.post('/revoke', revoke);
  router.post('/o/oauth2/revoke', revoke);

  const tokenInfo = (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const value = firstString(req.query.access_token) ?? firstString(body.access_token) ?? bearer;
    const access = value ? store.activeAccessToken(value) : undefined;
    if (!access) return tokenError(res, 400, 'invalid_token', 'Invalid Value');
    const account = store.accountBySub(access.sub)!;
    const seconds = Math.floor((access.expiresAt - ctx.now()) / 1000);
    res.json({
      azp: access.clientId,
      aud: access.clientId,
      sub: account.sub,
      scope: access.scopes.join(' '),
      exp: String(Math.floor(access.expiresAt / 1000)),
      expires_in: String(seconds),
      ...(access.scopes.includes(SCOPE_ALIASES.email)
        ? { email: account.email, email_verified: String(account.emailVerified) }
        : {}),
      access_type: store.grant(access.grantId)?.refreshToken ? 'offline' : 'online',
    });
  };
  router.get('/tokeninfo', tokenInfo);
  router.post('/tokeninfo', tokenInfo);
  router.get('/oauth2/v3/tokeninfo', tokenInfo);

  const userInfo = (version: 'v2' | 'v3') => (_req: Request, res: Response) => {
    const access = tokenOf(res);
    const account = store.accountBySub(access.sub)!;
    const email = access.scopes.includes(SCOPE_ALIASES.email);
    const profile = access.scopes.includes(SCOPE_ALIASES.profile);
    if (version === 'v2') {
      return res.json({
        id: account.sub,
        ...(email ? { email: account.email, verified_email: account.emailVerified } : {}),
        ...(profile
          ? {
              name: account.name,
              given_name: account.givenName,
              family_name: account.familyName,
              picture: account.picture,
            }
          : {}),
      });
    }
    res.json({
      sub: account.sub,
      ...(profile
        ? {
            name: account.name,
            given_name: account.givenName,
            family_name: account.familyName,
            picture: account.picture,
          }
        : {}),
      ...(email ? { email: account.email, email_verified: account.emailVerified } : {}),
    });
  };
  const userInfoGuards = [requireToken(store), requireScope(...OPENID_SCOPES)];
  router.get('/oauth2/v3/userinfo', ...userInfoGuards, userInfo('v3'));
  router.get('/v1/userinfo', ...userInfoGuards, userInfo('v3'));
  router.get('/oauth2/v2/userinfo', ...userInfoGuards, userInfo('v2'));

  return router;
}
