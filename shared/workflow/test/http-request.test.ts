import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import {
  executeStep,
  getNodeType,
  PermanentStepError,
  RetryableStepError,
  type ExecuteStepContext,
  type HttpPolicy,
} from '@flowgenie/workflow';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function startServer(routes: Record<string, Handler>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.push(`${req.method} ${path}`);
      const route = routes[path];
      if (route) route(req, Buffer.concat(chunks).toString(), res);
      else res.writeHead(404).end('no route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, port, hits, url: `http://127.0.0.1:${port}` };
}

const json = (
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) =>
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    .end(JSON.stringify(value));

let a: Awaited<ReturnType<typeof startServer>>;
let b: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  b = await startServer({
    '/echo': (req, body, res) =>
      json(res, 200, {
        method: req.method,
        body,
        contentType: req.headers['content-type'] ?? null,
        auth: req.headers.authorization ?? null,
      }),
  });
  a = await startServer({
    '/echo': (req, body, res) =>
      json(res, 200, {
        method: req.method,
        query: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
        contentType: req.headers['content-type'],
        custom: req.headers['x-custom'],
        body: body ? JSON.parse(body) : null,
      }),
    '/text': (_req, _body, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words'),
    '/gzip': (_req, _body, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        .end(zlib.gzipSync(JSON.stringify({ zipped: true }))),
    '/missing': (_req, _body, res) => json(res, 404, { error: 'user 42 not found' }),
    '/rate': (_req, _body, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '7' }),
    '/down': (_req, _body, res) =>
      res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance'),
    '/slow': () => {
      /* never answers */
    },
    '/big': (_req, _body, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000)),
    '/to-b': (req, _body, res) => res.writeHead(303, { location: `${b.url}/echo` }).end(),
    '/to-b-307': (_req, _body, res) => res.writeHead(307, { location: `${b.url}/echo` }).end(),
    '/to-private': (_req, _body, res) =>
      res.writeHead(302, { location: 'http://10.1.2.3/admin' }).end(),
    '/to-metadata': (_req, _body, res) =>
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-mapped-loopback': (_req, _body, res) =>
      res.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${b.port}/echo` }).end(),
    '/to-other-loopback': (_req, _body, res) =>
      res.writeHead(302, { location: `http://127.0.0.2:${b.port}/echo` }).end(),
    '/loop': (_req, _body, res) => res.writeHead(302, { location: '/loop' }).end(),
  });
});

afterAll(async () => {
  for (const s of [a.server, b.server]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

function call(
  config: Record<string, unknown>,
  http: HttpPolicy = { allowLoopback: true },
  extra: Partial<ExecuteStepContext> = {},
) {
  return executeStep(
    getNodeType('http_request')!,
    { id: 'fetch', config },
    {
      input: { trigger: { base: a.url, id: 42 }, steps: {} },
      signal: new AbortController().signal,
      executionId: 'exec-1',
      attempt: 1,
      http,
      ...extra,
    },
  );
}

describe('http_request node', () => {
  it('calls a loopback server when the operator allows loopback', async () => {
    const result = await call({
      method: 'POST',
      url: '{{ trigger.base }}/echo',
      query: { id: '{{ trigger.id }}', full: true },
      headers: { 'X-Custom': 'yes' },
      body: { user: '{{ trigger.id }}' },
    });
    expect(result.output).toMatchObject({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json; charset=utf-8' }),
      body: {
        method: 'POST',
        query: { id: '42', full: 'true' },
        contentType: 'application/json',
        custom: 'yes',
        body: { user: 42 },
      },
    });
  });

  it('refuses loopback by default without sending anything', async () => {
    const before = a.hits.length;
    const err = await call({ url: `${a.url}/echo` }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('ssrf_refused');
    expect(err.message).toContain('loopback');
    expect(a.hits.length).toBe(before);
  });

  it('refuses a host name that resolves to loopback (checked at DNS lookup)', async () => {
    const err = await call({ url: `http://localhost:${a.port}/echo` }, {}).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('ssrf_refused');
    expect(err.message).toMatch(/refused to connect to localhost \((127\.0\.0\.1|::1)\)/);
  });

  it('lets everything through with allowPrivateNetworks', async () => {
    const result = await call(
      { url: `http://localhost:${a.port}/text` },
      { allowPrivateNetworks: true },
    );
    expect(result.output).toMatchObject({ status: 200, body: 'plain words' });
  });

  it('follows a 303 redirect to another allowed server as a GET', async () => {
    const result = await call({
      method: 'POST',
      url: `${a.url}/to-b`,
      body: { a: 1 },
      headers: { authorization: 'Bearer t' },
    });
    // Different port means a different origin: the credentials are not forwarded.
    expect(result.output).toMatchObject({
      status: 200,
      body: { method: 'GET', body: '', contentType: null, auth: null },
    });
  });

  it('keeps method and body on a 307 redirect', async () => {
    const result = await call({
      method: 'PUT',
      url: `${a.url}/to-b-307`,
      bodyType: 'text',
      body: 'hello',
    });
    expect(result.output).toMatchObject({
      body: { method: 'PUT', body: 'hello', contentType: 'text/plain; charset=utf-8' },
    });
  });

  it('re-checks every redirect hop: a public-to-private redirect is refused', async () => {
    for (const path of ['/to-private', '/to-metadata']) {
      const err = await call({ url: `${a.url}${path}` }).catch((e) => e);
      expect(err).toBeInstanceOf(PermanentStepError);
      expect(err.code).toBe('ssrf_refused');
    }
    const meta = await call({ url: `${a.url}/to-metadata` }).catch((e) => e);
    expect(meta.message).toContain('169.254.169.254');
    expect(meta.details.addressClass).toBe('metadata');
  });

  it('refuses a redirect to loopback when only the first host was allowed', async () => {
    // Only 127.0.0.1 is allowed; the redirect goes to 127.0.0.2 (loopback, not allowed).
    const policy = { allowAddresses: ['127.0.0.1'] };
    expect((await call({ url: `${a.url}/text` }, policy)).output).toMatchObject({ status: 200 });
    const before = a.hits.length;
    const err = await call({ url: `${a.url}/to-other-loopback` }, policy).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('ssrf_refused');
    expect(err.message).toContain('127.0.0.2');
    expect(a.hits.slice(before)).toEqual(['GET /to-other-loopback']);
  });

  it('treats an IPv4-mapped redirect target as the IPv4 address it carries', async () => {
    const before = b.hits.length;
    const viaLoopback = await call({ url: `${a.url}/to-mapped-loopback` }, { allowLoopback: true });
    expect(viaLoopback.output).toMatchObject({ status: 200 });
    const viaAllowlist = await call(
      { url: `${a.url}/to-mapped-loopback` },
      { allowAddresses: ['127.0.0.1/32'] },
    );
    expect(viaAllowlist.output).toMatchObject({ status: 200 });
    expect(b.hits.length).toBe(before + 2);
  });

  it('stops after 5 redirects', async () => {
    const before = a.hits.length;
    const err = await call({ url: `${a.url}/loop` }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('too_many_redirects');
    expect(a.hits.length - before).toBe(6);
  });

  it('fails permanently on 404 with the status and a body snippet', async () => {
    const err = await call({ url: `${a.url}/missing` }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.status).toBe(404);
    expect(err.message).toContain('user 42 not found');
  });

  it('fails retryably on 429 honouring Retry-After, and on 503', async () => {
    const rate = await call({ url: `${a.url}/rate` }).catch((e) => e);
    expect(rate).toBeInstanceOf(RetryableStepError);
    expect(rate).toMatchObject({ status: 429, retryAfterMs: 7000 });
    const down = await call({ url: `${a.url}/down` }).catch((e) => e);
    expect(down).toBeInstanceOf(RetryableStepError);
    expect(down.status).toBe(503);
    expect(down.message).toContain('maintenance');
  });

  it('fails retryably on a timeout', async () => {
    const started = Date.now();
    const err = await call({ url: `${a.url}/slow`, timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableStepError);
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops when the executor aborts the step', async () => {
    const controller = new AbortController();
    const pending = call(
      { url: `${a.url}/slow` },
      { allowLoopback: true },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: true });
  });

  it('fails retryably when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const err = await call({ url: `http://127.0.0.1:${port}/` }).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableStepError);
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('decodes gzip and refuses oversized bodies', async () => {
    expect((await call({ url: `${a.url}/gzip` })).output).toMatchObject({ body: { zipped: true } });
    const err = await call(
      { url: `${a.url}/big` },
      { allowLoopback: true, maxResponseBytes: 1000 },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('response_too_large');
  });

  it('refuses non-http URLs and bodies on GET', async () => {
    await expect(call({ url: 'file:///etc/passwd' })).rejects.toMatchObject({
      code: 'invalid_config',
    });
    await expect(call({ url: `${a.url}/echo`, body: { a: 1 } })).rejects.toThrow(
      'GET and HEAD requests cannot have a body',
    );
  });
});
