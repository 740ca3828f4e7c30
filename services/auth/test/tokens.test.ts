import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK } from 'jose';
import { createTokenVerifier, UnauthorizedError } from '@flowgenie/platform';
import { LocalFileSecretsKey } from '@flowgenie/platform';
import { compose } from '../src/compose';
import { call, signUp, startAuth, type TestAuth } from './support';

let auth: TestAuth;
beforeAll(async () => {
  auth = await startAuth('tokens');
});
afterAll(() => auth?.stop());

const verifierFor = (a: TestAuth) =>
  createTokenVerifier({
    jwksUrl: `${a.url}/.well-known/jwks.json`,
    issuer: a.config.AUTH_ISSUER,
    audience: a.config.AUTH_AUDIENCE,
  });

const me = (token: string) => call(auth.url, 'GET', '/auth/me', { token });
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('JWKS', () => {
  it('publishes the ES256 public key only, cacheable for five minutes', async () => {
    const answer = await call(auth.url, 'GET', '/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
    expect(answer.body.keys).toEqual([
      {
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: 'ES256',
        use: 'sig',
      },
    ]);
  });
});

describe('access tokens', () => {
  it('are ES256 at+jwt with kid, iss, aud, sub, email, every scope, the session id, iat, exp (15 min) and jti', async () => {
    const user = await signUp(auth.url);
    const jwks = await call(auth.url, 'GET', '/.well-known/jwks.json');
    expect(decodeProtectedHeader(user.accessToken)).toEqual({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: jwks.body.keys[0].kid,
    });
    const claims = decodeJwt(user.accessToken);
    expect(claims).toEqual({
      sub: user.user.id,
      email: user.email,
      scope:
        'workflows:read workflows:write executions:read executions:write connections:read connections:write api-keys:manage',
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      iss: 'https://flowgenie.test/auth',
      aud: 'flowgenie-test',
      iat: expect.any(Number),
      exp: expect.any(Number),
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);
  });

  it("are accepted by the platform's createTokenVerifier reading this service's JWKS URL", async () => {
    const user = await signUp(auth.url);
    const [family] = await auth.query<{ id: string }>(
      'select id from auth.refresh_token_families where user_id = $1',
      [user.user.id],
    );
    await expect(verifierFor(auth)(user.accessToken)).resolves.toEqual({
      id: user.user.id,
      email: user.email,
      scopes: [
        'workflows:read',
        'workflows:write',
        'executions:read',
        'executions:write',
        'connections:read',
        'connections:write',
        'api-keys:manage',
      ],
      sessionId: family.id,
    });
  });

  it('are refused once expired', async () => {
    auth.clock.offsetMs = -60 * 60_000;
    let user;
    try {
      user = await signUp(auth.url);
    } finally {
      auth.clock.offsetMs = 0;
    }
    await expect(verifierFor(auth)(user.accessToken)).rejects.toThrow('access token expired');
    const answer = await me(user.accessToken);
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toBe('access token expired');
  });

  it('are refused when the payload was changed after signing', async () => {
    const victim = await signUp(auth.url);
    const attacker = await signUp(auth.url);
    const [header, , signature] = attacker.accessToken.split('.');
    const claims = decodeJwt(attacker.accessToken);
    const forged = `${header}.${b64url({ ...claims, sub: victim.user.id, email: victim.email })}.${signature}`;
    expect((await me(forged)).status).toBe(401);
    await expect(verifierFor(auth)(forged)).rejects.toThrow(UnauthorizedError);
  });

  it('are refused with alg none', async () => {
    const user = await signUp(auth.url);
    const claims = decodeJwt(user.accessToken);
    const unsigned = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims)}.`;
    expect((await me(unsigned)).status).toBe(401);
    await expect(verifierFor(auth)(unsigned)).rejects.toThrow(UnauthorizedError);
  });

  it('are refused when signed by another key claiming the published kid', async () => {
    const user = await signUp(auth.url);
    const { kid } = decodeProtectedHeader(user.accessToken);
    const { privateKey } = await generateKeyPair('ES256');
    const impostor = await new SignJWT(decodeJwt(user.accessToken))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(privateKey);
    expect((await me(impostor)).status).toBe(401);
  });
});

describe('tokens signed with the stored key itself', () => {
  /** Opens the sealed signing key the way the service does, to craft tokens it would never issue. */
  async function storedKey() {
    const [row] = await auth.query<{ kid: string; private_jwk_sealed: string }>(
      'select kid, private_jwk_sealed from auth.signing_keys',
    );
    const secrets = await LocalFileSecretsKey.open(
      path.join(auth.config.DATA_DIR, 'auth-keys.key'),
    );
    const jwk = JSON.parse(
      (await secrets.open(row.private_jwk_sealed, `auth.signing_key:${row.kid}`)).toString('utf8'),
    );
    return { kid: row.kid, key: await importJWK(jwk, 'ES256') };
  }

  async function craft(
    user: { id: string; email: string },
    change: { typ?: string; iss?: string; aud?: string; exp?: number } = {},
  ) {
    const { kid, key } = await storedKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ email: user.email })
      .setProtectedHeader({ alg: 'ES256', typ: change.typ ?? 'at+jwt', kid })
      .setSubject(user.id)
      .setIssuer(change.iss ?? auth.config.AUTH_ISSUER)
      .setAudience(change.aud ?? auth.config.AUTH_AUDIENCE)
      .setIssuedAt(now - 60)
      .setExpirationTime(change.exp ?? now + 600)
      .sign(key);
  }

  it('are accepted when every claim is right (the key really is the service key)', async () => {
    const user = await signUp(auth.url);
    expect((await me(await craft(user.user))).status).toBe(200);
  });

  it('are refused with a past exp, another typ, issuer or audience', async () => {
    const user = await signUp(auth.url);
    const now = Math.floor(Date.now() / 1000);
    for (const change of [
      { exp: now - 5 },
      { typ: 'JWT' },
      { iss: 'https://evil.example' },
      { aud: 'another-api' },
    ]) {
      const answer = await me(await craft(user.user, change));
      expect({ change, status: answer.status }).toEqual({ change, status: 401 });
    }
  });
});

describe('signing key storage', () => {
  it('creates the secrets key file 0600 on first boot and keeps the private key sealed in the database', async () => {
    const stat = await fs.stat(path.join(auth.config.DATA_DIR, 'auth-keys.key'));
    expect(stat.mode & 0o777).toBe(0o600);
    const rows = await auth.query<{
      kid: string;
      private_jwk_sealed: string;
      public_jwk: Record<string, unknown>;
    }>('select kid, private_jwk_sealed, public_jwk from auth.signing_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].private_jwk_sealed).toMatch(/^local-v1\./);
    expect(rows[0].private_jwk_sealed).not.toContain('"d"');
    expect(rows[0].public_jwk).not.toHaveProperty('d');
  });

  it('reuses the stored key after a restart, so earlier tokens stay valid', async () => {
    const user = await signUp(auth.url);
    const second = await compose(auth.config, { clock: auth.clock });
    const server = await second.start();
    try {
      const answer = await call(server.url, 'GET', '/auth/me', { token: user.accessToken });
      expect(answer.status).toBe(200);
      const jwks = await call(server.url, 'GET', '/.well-known/jwks.json');
      expect(jwks.body.keys[0].kid).toBe(decodeProtectedHeader(user.accessToken).kid);
    } finally {
      await second.stop();
    }
  });

  it('refuses to boot with a different secrets key file than the one that sealed the signing key', async () => {
    const otherDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fg-auth-other-'));
    try {
      const config = { ...auth.config, DATA_DIR: otherDir };
      await expect(compose(config)).rejects.toThrow(/cannot decrypt the stored signing key/);
    } finally {
      await fs.rm(otherDir, { recursive: true, force: true });
    }
  });
});
