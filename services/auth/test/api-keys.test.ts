import { decodeJwt } from 'jose';
import { createTokenVerifier } from '@flowgenie/platform';
import { hashOpaqueToken } from '../src/domain/opaque-token';
import { call, signUp, startAuth, type TestAuth } from './support';

const ALL_RESOURCE_SCOPES = [
  'workflows:read',
  'workflows:write',
  'executions:read',
  'executions:write',
  'connections:read',
  'connections:write',
];

let auth: TestAuth;
beforeAll(async () => {
  auth = await startAuth('apikeys');
});
afterAll(() => auth?.stop());

const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) =>
  call(auth.url, method, path, opts);

describe('API keys', () => {
  it('go through create (shown once), list, exchange, revoke; a revoked key no longer exchanges', async () => {
    // Prepare
    const user = await signUp(auth.url);
    // Act: create
    const created = await req('POST', '/auth/api-keys', {
      token: user.accessToken,
      body: { name: '  deploy script ' },
    });
    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'deploy script',
      prefix: expect.stringMatching(/^fgk_.{8}$/),
      key: expect.stringMatching(/^fgk_[A-Za-z0-9_-]{43}$/),
      createdAt: expect.any(String),
      scopes: ALL_RESOURCE_SCOPES,
    });
    const { id, key, prefix } = created.body;
    expect(key.startsWith(prefix)).toBe(true);
    const [stored] = await auth.query<{ key_hash: string; prefix: string }>(
      'select key_hash, prefix from auth.api_keys where id = $1',
      [id],
    );
    expect(stored).toEqual({ key_hash: hashOpaqueToken(key), prefix });

    const listed = await req('GET', '/auth/api-keys', { token: user.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      items: [
        {
          id,
          name: 'deploy script',
          prefix,
          createdAt: created.body.createdAt,
          lastUsedAt: null,
          scopes: ALL_RESOURCE_SCOPES,
        },
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const exchanged = await req('POST', '/auth/token', { body: { apiKey: key } });
    expect(exchanged.status).toBe(200);
    // Short-lived: a token outlives its key's revocation by at most API_KEY_TOKEN_TTL_SECONDS.
    expect(exchanged.body).toEqual({
      accessToken: expect.any(String),
      expiresIn: 300,
      scope: ALL_RESOURCE_SCOPES.join(' '),
    });
    const claims = decodeJwt(exchanged.body.accessToken);
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.sid).toBeUndefined();
    const me = await req('GET', '/auth/me', { token: exchanged.body.accessToken });
    expect(me.body).toEqual(user.user);
    const afterUse = await req('GET', '/auth/api-keys', { token: user.accessToken });
    expect(afterUse.body.items[0].lastUsedAt).toEqual(expect.any(String));

    const revoked = await req('DELETE', `/auth/api-keys/${id}`, { token: user.accessToken });
    expect(revoked.status).toBe(204);
    const refused = await req('POST', '/auth/token', { body: { apiKey: key } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');
    expect((await req('GET', '/auth/api-keys', { token: user.accessToken })).body.items).toEqual(
      [],
    );
    expect((await req('DELETE', `/auth/api-keys/${id}`, { token: user.accessToken })).status).toBe(
      404,
    );
  });

  it("answers 404 for another user's key id, leaves it working, and never lists it", async () => {
    const ann = await signUp(auth.url);
    const bob = await signUp(auth.url);
    const annKey = await req('POST', '/auth/api-keys', {
      token: ann.accessToken,
      body: { name: 'ann' },
    });

    const answer = await req('DELETE', `/auth/api-keys/${annKey.body.id}`, {
      token: bob.accessToken,
    });
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
    expect((await req('GET', '/auth/api-keys', { token: bob.accessToken })).body.items).toEqual([]);
    expect((await req('POST', '/auth/token', { body: { apiKey: annKey.body.key } })).status).toBe(
      200,
    );
  });

  it('answers 404 for an id that is not a key id at all', async () => {
    const user = await signUp(auth.url);
    expect(
      (await req('DELETE', '/auth/api-keys/not-a-uuid', { token: user.accessToken })).status,
    ).toBe(404);
    expect(
      (
        await req('DELETE', '/auth/api-keys/00000000-0000-4000-8000-000000000000', {
          token: user.accessToken,
        })
      ).status,
    ).toBe(404);
  });

  it('refuses an unknown or malformed key with 401', async () => {
    for (const apiKey of [`fgk_${'A'.repeat(43)}`, 'not-a-key']) {
      const answer = await req('POST', '/auth/token', { body: { apiKey } });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('invalid_api_key');
    }
  });

  it('refuses a token exchanged from a key to list, create or revoke keys (403), so a leaked key cannot outlive its revocation', async () => {
    // Prepare
    const user = await signUp(auth.url);
    const created = await req('POST', '/auth/api-keys', {
      token: user.accessToken,
      body: { name: 'ci' },
    });
    const keyToken = (await req('POST', '/auth/token', { body: { apiKey: created.body.key } })).body
      .accessToken;
    // Act
    const answers = [
      await req('GET', '/auth/api-keys', { token: keyToken }),
      await req('POST', '/auth/api-keys', { token: keyToken, body: { name: 'spare key' } }),
      await req('DELETE', `/auth/api-keys/${created.body.id}`, { token: keyToken }),
    ];
    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body.error).toEqual({
        code: 'insufficient_scope',
        message:
          'managing API keys needs a signed-in session: a token exchanged from an API key cannot list, create or revoke keys',
      });
    }
    const keys = await auth.query<{ name: string; revoked_at: Date | null }>(
      'select name, revoked_at from auth.api_keys where user_id = $1',
      [user.user.id],
    );
    expect(keys).toEqual([{ name: 'ci', revoked_at: null }]);
    // It can still do what it is for, e.g. read the account.
    expect((await req('GET', '/auth/me', { token: keyToken })).status).toBe(200);
  });

  it('gives a key the scopes chosen at creation: a read-only key exchanges for a read-only token', async () => {
    const user = await signUp(auth.url);
    const created = await req('POST', '/auth/api-keys', {
      token: user.accessToken,
      body: { name: 'dashboard', scopes: ['executions:read', 'workflows:read', 'workflows:read'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual(['workflows:read', 'executions:read']);
    const exchanged = await req('POST', '/auth/token', { body: { apiKey: created.body.key } });
    expect(exchanged.body.scope).toBe('workflows:read executions:read');
    // What every other service sees: read scopes only, no session.
    const verify = createTokenVerifier({
      jwksUrl: `${auth.url}/.well-known/jwks.json`,
      issuer: auth.config.AUTH_ISSUER,
      audience: auth.config.AUTH_AUDIENCE,
    });
    await expect(verify(exchanged.body.accessToken)).resolves.toEqual({
      id: user.user.id,
      email: user.email,
      scopes: ['workflows:read', 'executions:read'],
    });
  });

  it('refuses key management or unknown names as key scopes with 400, creating nothing', async () => {
    const user = await signUp(auth.url);
    const cases: Array<[unknown, string]> = [
      [
        ['workflows:read', 'api-keys:manage'],
        'api-keys:manage cannot be given to an API key (keys are managed from a signed-in session)',
      ],
      [
        ['workflows:delete'],
        'must be one of workflows:read, workflows:write, executions:read, executions:write, connections:read, connections:write',
      ],
      [
        [],
        'must name at least one of workflows:read, workflows:write, executions:read, executions:write, connections:read, connections:write',
      ],
      ['workflows:read', 'must be a list of scopes'],
    ];
    for (const [scopes, message] of cases) {
      const answer = await req('POST', '/auth/api-keys', {
        token: user.accessToken,
        body: { name: 'x', scopes },
      });
      expect({
        scopes,
        status: answer.status,
        message: answer.body.error.details?.[0]?.message,
      }).toEqual({ scopes, status: 400, message });
    }
    expect(
      await auth.query('select id from auth.api_keys where user_id = $1', [user.user.id]),
    ).toEqual([]);
  });

  it('requires a bearer token to manage keys', async () => {
    expect((await req('GET', '/auth/api-keys')).status).toBe(401);
    expect((await req('POST', '/auth/api-keys', { body: { name: 'x' } })).status).toBe(401);
    expect(
      (await auth.query('select count(*)::int as n from auth.api_keys where name = $1', ['x']))[0],
    ).toEqual({ n: 0 });
  });
});
