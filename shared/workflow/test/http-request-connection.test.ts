import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionAuth } from '@flowgenie/contracts';
import {
  executeStep,
  getNodeType,
  PermanentStepError,
  RetryableStepError,
  type StepConnections,
} from '@flowgenie/workflow';

interface Seen {
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
}

async function startServer(route: (seen: Seen, res: http.ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const entry = {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    };
    seen.push(entry);
    req.resume();
    req.on('end', () => route(entry, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, seen, close };
}

let api: Awaited<ReturnType<typeof startServer>>;
let other: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  other = await startServer((_s, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
  );
  api = await startServer((s, res) => {
    if (s.path === '/elsewhere')
      return res.writeHead(302, { location: `${other.url}/landing` }).end();
    if (s.path === '/busy')
      return res
        .writeHead(429, { 'retry-after': '9', 'content-type': 'text/plain' })
        .end('slow down');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });
});
afterAll(async () => {
  await api.close();
  await other.close();
});

/** The owner's connections as the executor gives them to a step (credentials by id). */
function connections(auth: ConnectionAuth) {
  const blocked: { connectionId: string; untilMs: number }[] = [];
  const port: StepConnections = {
    async access(connectionId) {
      return {
        connectionId,
        provider: 'http_bearer',
        account: null,
        auth,
        expiresAt: null,
        scopes: [],
      };
    },
    async report() {},
    async rateLimited(connectionId, untilMs) {
      blocked.push({ connectionId, untilMs });
    },
  };
  return { port, blocked };
}

function call(config: Record<string, unknown>, conns?: StepConnections) {
  return executeStep(
    getNodeType('http_request')!,
    { id: 'fetch', config },
    {
      input: { trigger: {}, steps: {} },
      signal: AbortSignal.timeout(10_000),
      executionId: 'exec-1',
      attempt: 1,
      http: { allowLoopback: true },
      connections: conns,
    },
  );
}

describe('http_request with a connection', () => {
  const connectionId = randomUUID();

  it.each([
    [
      'bearer',
      { type: 'bearer', token: 'tok-123' },
      (s: Seen) => s.headers.authorization === 'Bearer tok-123',
    ],
    [
      'header',
      { type: 'header', name: 'X-Api-Key', value: 'key-456' },
      (s: Seen) => s.headers['x-api-key'] === 'key-456',
    ],
    [
      'query',
      { type: 'query', name: 'api_key', value: 'q-789' },
      (s: Seen) => s.query.api_key === 'q-789',
    ],
    [
      'basic',
      { type: 'basic', username: 'ann', password: 'pw' },
      (s: Seen) => s.headers.authorization === `Basic ${Buffer.from('ann:pw').toString('base64')}`,
    ],
  ] as const)(
    'applies %s auth, and the credential stays out of the output',
    async (_kind, auth, check) => {
      const result = await call(
        { url: `${api.url}/data`, headers: { Authorization: 'Bearer from-config' }, connectionId },
        connections(auth as ConnectionAuth).port,
      );
      expect(check(api.seen.at(-1)!)).toBe(true);
      const secret = 'token' in auth ? auth.token : 'value' in auth ? auth.value : auth.password;
      expect(JSON.stringify(result)).not.toContain(secret);
    },
  );

  it('does not carry a connection’s API-key header through a redirect to another origin', async () => {
    await call(
      { url: `${api.url}/elsewhere`, connectionId },
      connections({ type: 'header', name: 'X-Api-Key', value: 'key-456' }).port,
    );
    expect(api.seen.at(-1)!.headers['x-api-key']).toBe('key-456');
    expect(other.seen.at(-1)!.path).toBe('/landing');
    expect(other.seen.at(-1)!.headers['x-api-key']).toBeUndefined();
  });

  it('on 429 with Retry-After, blocks the connection for every step until then', async () => {
    const conns = connections({ type: 'bearer', token: 't' });
    const before = Date.now();
    const err = await call({ url: `${api.url}/busy`, connectionId }, conns.port).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableStepError);
    expect(err.retryAfterMs).toBe(9000);
    expect(conns.blocked).toEqual([{ connectionId, untilMs: expect.any(Number) }]);
    expect(conns.blocked[0].untilMs).toBeGreaterThanOrEqual(before + 9000);
  });

  it('fails for good when connections cannot be used, and passes access errors on', async () => {
    await expect(call({ url: `${api.url}/data`, connectionId })).rejects.toBeInstanceOf(
      PermanentStepError,
    );
    const revoked: StepConnections = {
      access: async () => {
        throw new PermanentStepError('connection revoked: reconnect it in Connections', {
          code: 'connection_revoked',
        });
      },
      report: async () => undefined,
      rateLimited: async () => undefined,
    };
    const count = api.seen.length;
    await expect(call({ url: `${api.url}/data`, connectionId }, revoked)).rejects.toThrow(
      'connection revoked: reconnect it in Connections',
    );
    expect(api.seen.length).toBe(count);
  });

  it('refuses a connection id that is not a uuid at validation', async () => {
    await expect(call({ url: `${api.url}/data`, connectionId: 'nope' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });
});
