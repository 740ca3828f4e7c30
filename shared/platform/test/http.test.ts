import pino from 'pino';
import { exportJWK, generateKeyPair, createLocalJWKSet, SignJWT, type JWK } from 'jose';
import { z } from 'zod';
import {
  createHttpApp,
  createLogger,
  createTokenVerifier,
  finishHttpApp,
  NotFoundError,
  parseOrThrow,
  requireAuth,
  requireScopesByMethod,
  startHttpServer,
  userOf,
  type RunningServer,
} from '../src';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const json = async (res: Response): Promise<any> => res.json(); // eslint-disable-line @typescript-eslint/no-explicit-any

const logger = createLogger({ service: 'test', level: 'silent' });
const issuer = 'https://issuer.test';
const audience = 'flowgenie-api';

describe('platform HTTP defaults', () => {
  let server: RunningServer;
  let privateKey: PrivateKey;
  let otherKey: PrivateKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    const verify = createTokenVerifier({
      jwksUrl: 'https://unused.test/jwks',
      issuer,
      audience,
      keySet: createLocalJWKSet({ keys: [jwk] }),
    });
    const app = createHttpApp({ logger, bodyLimitBytes: 1000 });
    app.post('/things', (req, res) => {
      const body = parseOrThrow(z.object({ name: z.string().min(1) }), req.body);
      res.status(201).json(body);
    });
    app.get('/me', requireAuth(verify), (req, res) => {
      res.json(userOf(req));
    });
    app.use('/workflows', requireAuth(verify), requireScopesByMethod('workflows'), (req, res) => {
      res.json({ method: req.method, scopes: userOf(req).scopes });
    });
    app.get('/missing', () => {
      throw new NotFoundError('workflow not found');
    });
    finishHttpApp(app, { logger });
    server = await startHttpServer(app, { port: 0 });
  });
  afterAll(() => server.close());

  const sign = (
    claims: Record<string, unknown>,
    opts: { key?: PrivateKey; typ?: string; exp?: string | number } = {},
  ) =>
    new SignJWT({ email: 'a@example.com', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: opts.typ ?? 'at+jwt' })
      .setSubject('user-1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '15m')
      .sign(opts.key ?? privateKey);

  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers malformed JSON with 400 and a message', async () => {
    const res = await fetch(`${server.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('malformed_json');
  });

  it('names the failing field of a body that fails its schema', async () => {
    const res = await fetch(`${server.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":""}',
    });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.details[0].path).toBe('name');
    expect(error.message).toMatch(/name/);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await fetch(`${server.url}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(2000) }),
    });
    expect(res.status).toBe(413);
  });

  it('maps a domain error to its status and sets security headers and a correlation id', async () => {
    const res = await get('/missing');
    expect(res.status).toBe(404);
    expect((await json(res)).error).toEqual({ code: 'not_found', message: 'workflow not found' });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-correlation-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('accepts a valid access token', async () => {
    const res = await get('/me', await sign({}));
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ id: 'user-1', email: 'a@example.com', scopes: [] });
  });

  it('exposes the scope claim and lets GET through with :read, other methods only with :write', async () => {
    const readOnly = await sign({ scope: 'workflows:read executions:read' });
    const read = await get('/workflows', readOnly);
    expect(read.status).toBe(200);
    expect(await json(read)).toEqual({
      method: 'GET',
      scopes: ['workflows:read', 'executions:read'],
    });

    const write = await fetch(`${server.url}/workflows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly}` },
    });
    expect(write.status).toBe(403);
    expect((await json(write)).error).toEqual({
      code: 'insufficient_scope',
      message:
        'this access token lacks the "workflows:write" scope; use a session or an API key created with it',
    });
    expect(write.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="workflows:write"',
    );

    const full = await sign({ scope: 'workflows:read workflows:write' });
    expect(
      (
        await fetch(`${server.url}/workflows`, {
          method: 'POST',
          headers: { authorization: `Bearer ${full}` },
        })
      ).status,
    ).toBe(200);
    // No scope claim: nothing a scoped route allows.
    expect((await get('/workflows', await sign({}))).status).toBe(403);
  });

  it.each([
    ['missing', async () => undefined],
    ['expired', async () => sign({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed by another key', async () => sign({}, { key: otherKey })],
    ['of another token type', async () => sign({}, { typ: 'JWT' })],
    [
      'tampered',
      async () => {
        const [h, p, s] = (await sign({})).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
        return [
          h,
          Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'),
          s,
        ].join('.');
      },
    ],
    [
      'alg none',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc({ sub: 'user-1', email: 'a@example.com', iss: issuer, aud: audience, iat: now, exp: now + 600 })}.`;
      },
    ],
  ])('rejects a %s token with 401', async (_label, token) => {
    const res = await get('/me', await token());
    expect(res.status).toBe(401);
  });
});

describe('request log lines', () => {
  /** A service's app whose logger writes its lines here, at `level`. */
  async function serve(level: string) {
    const lines: { level: number; msg: string; status?: number }[] = [];
    const captured = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = createHttpApp({ logger: captured });
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    finishHttpApp(app, { logger: captured });
    const server = await startHttpServer(app, { port: 0 });
    const requestLines = () => lines.filter((l) => l.msg === 'request');
    return { server, requestLines };
  }
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('logs a successful request at debug only, so an info-level service writes no line per request', async () => {
    const info = await serve('info');
    const debug = await serve('debug');
    try {
      await fetch(`${info.server.url}/ok`);
      await fetch(`${debug.server.url}/ok`);
      await settle();

      expect(info.requestLines()).toEqual([]);
      expect(debug.requestLines()).toEqual([
        expect.objectContaining({ level: pino.levels.values.debug, status: 200 }),
      ]);
    } finally {
      await info.server.close();
      await debug.server.close();
    }
  });

  it('logs a 5xx answer at warn whatever the level', async () => {
    const { server, requestLines } = await serve('warn');
    try {
      const res = await fetch(`${server.url}/boom`);
      await settle();

      expect(res.status).toBe(500);
      expect(requestLines()).toEqual([
        expect.objectContaining({ level: pino.levels.values.warn, status: 500 }),
      ]);
    } finally {
      await server.close();
    }
  });
});
