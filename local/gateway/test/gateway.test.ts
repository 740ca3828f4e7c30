import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import pino from 'pino';
import { ensureDevCerts, type DevCerts } from '@flowgenie/local-dev';
import { createGateway, loadGatewayConfig, type Gateway } from '../src';

interface Seen {
  method: string;
  url: string;
  originalUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

/** A stand-in service: answers JSON describing what it received; `/readyz` as configured. */
async function fakeService(certs: DevCerts, name: string, opts: { ready?: boolean } = {}) {
  const seen: Seen[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => (bodyBytes += c.length));
    req.on('end', () => {
      if (req.url === '/readyz') {
        const ready = opts.ready ?? true;
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            status: ready ? 'ready' : 'not ready',
            checks: { db: ready ? 'ok' : 'down', redis: 'ok' },
          }),
        );
        return;
      }
      if (req.url?.startsWith('/executions/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: execution\ndata: {"n":1}\n\n');
        setTimeout(() => res.end('event: execution\ndata: {"n":2}\n\n'), 50);
        return;
      }
      seen.push({
        method: req.method!,
        url: req.url!,
        // What Express (the services' router) logs as the path: set by the edge's own Express.
        originalUrl: (req as { originalUrl?: string }).originalUrl,
        headers: req.headers,
        bodyBytes,
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-upstream': name,
        'set-cookie': 'a=b; Path=/api/auth',
        'content-security-policy': 'default-src *',
        'strict-transport-security': 'max-age=1',
      });
      res.end(JSON.stringify({ upstream: name, url: req.url, bodyBytes }));
    });
  };
  const server = https.createServer(
    { key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) },
    handler,
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    seen,
    handler,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The gateway's config in front of the fake services, with the suite's small body limits. */
function gatewayConfig(
  certs: DevCerts,
  services: Record<string, { url: string }>,
  env: { EXECUTOR_URL: string; WEB_DIST_DIR: string },
) {
  return loadGatewayConfig({
    PORT: '0',
    TLS_CERT_FILE: certs.cert,
    TLS_KEY_FILE: certs.key,
    UPSTREAM_CA_FILE: certs.caCert,
    AUTH_URL: services.auth.url,
    CATALOG_URL: services.catalog.url,
    TRIGGER_URL: services.trigger.url,
    EXECUTION_URL: services.execution.url,
    BODY_LIMIT_BYTES: String(1024),
    HOOK_BODY_LIMIT_BYTES: String(4096),
    ...env,
  });
}

describe('local gateway', () => {
  let certs: DevCerts;
  let services: Record<string, Awaited<ReturnType<typeof fakeService>>>;
  let gateway: Gateway;
  let base: string;
  let dispatcher: Agent;
  let webDist: string;
  const get = (p: string, init: Parameters<typeof fetch>[1] = {}) =>
    fetch(`${base}${p}`, { dispatcher, ...init });

  const rawStatus = (rawPath: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(base);
      https
        .get(
          { host: url.hostname, port: url.port, path: rawPath, ca: fs.readFileSync(certs.caCert) },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        )
        .on('error', reject);
    });

  beforeAll(async () => {
    certs = await ensureDevCerts(fs.mkdtempSync(path.join(os.tmpdir(), 'fg-gw-certs-')));
    services = {
      auth: await fakeService(certs, 'auth'),
      catalog: await fakeService(certs, 'catalog'),
      trigger: await fakeService(certs, 'trigger'),
      execution: await fakeService(certs, 'execution', { ready: false }),
    };
    webDist = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-gw-web-'));
    const closedPort = await new Promise<number>((resolve) => {
      const s = https.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const config = gatewayConfig(certs, services, {
      EXECUTOR_URL: `https://127.0.0.1:${closedPort}`,
      WEB_DIST_DIR: webDist,
    });
    gateway = createGateway(config, { logger: pino({ level: 'silent' }) });
    const running = await gateway.start();
    base = `https://localhost:${running.port}`;
    dispatcher = new Agent({ connect: { ca: fs.readFileSync(certs.caCert) } });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(services).map((s) => s.close()));
    await dispatcher.close();
  });

  it('routes by prefix, strips /api and keeps /hooks and the JWKS path', async () => {
    const cases: [string, string, string][] = [
      ['/api/workflows/w1/runs?x=1', 'trigger', '/workflows/w1/runs?x=1'],
      ['/api/workflows/w1', 'catalog', '/workflows/w1'],
      ['/api/node-types', 'catalog', '/node-types'],
      ['/api/auth/me', 'auth', '/auth/me'],
      ['/.well-known/jwks.json', 'auth', '/.well-known/jwks.json'],
      ['/api/executions?limit=5', 'execution', '/executions?limit=5'],
      ['/hooks/abc', 'trigger', '/hooks/abc'],
    ];
    for (const [p, upstream, url] of cases) {
      const res = await get(p);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ upstream, url });
    }
  });

  it('passes the correlation id through, or creates one, and sets X-Forwarded-*', async () => {
    const res = await get('/api/workflows', {
      headers: { 'x-correlation-id': 'abc-123', 'x-forwarded-for': '6.6.6.6' },
    });
    expect(res.headers.get('x-correlation-id')).toBe('abc-123');
    const seen = services.catalog.seen.at(-1)!;
    expect(seen.headers['x-correlation-id']).toBe('abc-123');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-forwarded-host']).toMatch(/^localhost:\d+$/);

    const fresh = await get('/api/workflows');
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(services.catalog.seen.at(-1)!.headers['x-correlation-id']).toBe(
      fresh.headers.get('x-correlation-id'),
    );
  });

  it('sends the refresh cookie to the auth service only', async () => {
    const cookie = 'theme=dark; __Host-fg_refresh=secret-token';
    for (const p of ['/api/workflows', '/api/executions', '/hooks/h1', '/api/workflows/w1/runs']) {
      await get(p, { headers: { cookie } });
    }
    for (const name of ['catalog', 'execution', 'trigger']) {
      expect({ name, cookie: services[name].seen.at(-1)!.headers.cookie }).toEqual({
        name,
        cookie: 'theme=dark',
      });
    }
    await get('/api/auth/refresh', { method: 'POST', headers: { cookie } });
    expect(services.auth.seen.at(-1)!.headers.cookie).toBe(cookie);
    await get('/api/workflows', { headers: { cookie: '__Host-fg_refresh=secret-token' } });
    expect(services.catalog.seen.at(-1)!.headers).not.toHaveProperty('cookie');
    // The OAuth browser bindings (connections, Google sign-in) reach auth's callbacks only.
    const bindings = '__Host-fg_oauth=bind; __Host-fg_google_state=handle';
    await get('/api/workflows', { headers: { cookie: bindings } });
    expect(services.catalog.seen.at(-1)!.headers).not.toHaveProperty('cookie');
    await get('/api/connections/oauth/callback?state=s&code=c', { headers: { cookie: bindings } });
    expect(services.auth.seen.at(-1)!.headers.cookie).toBe(bindings);
  });

  it('passes upstream headers such as Set-Cookie back', async () => {
    const res = await get('/api/auth/login', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.headers.get('set-cookie')).toBe('a=b; Path=/api/auth');
    expect(res.headers.get('x-upstream')).toBe('auth');
  });

  it('keeps its own security headers over an upstream’s', async () => {
    const res = await get('/api/workflows');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never routes /internal, /metrics or an unknown /api path', async () => {
    for (const p of [
      '/internal/workflows/x/run-spec',
      '/metrics',
      '/api/internal/x',
      '/api/nothing',
    ]) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    // Sent raw: URL parsers in clients would resolve the dot segments before sending.
    for (const raw of [
      '/api/workflows/%2e%2e/%2e%2e/internal/x',
      '/api/workflows/../../internal/x',
      '/hooks/..%2finternal',
    ]) {
      expect(await rawStatus(raw)).toBe(400);
    }
    expect(services.catalog.seen.some((s) => s.url.includes('internal'))).toBe(false);
  });

  it('never routes the connections access endpoints, whatever the method or prefix', async () => {
    for (const p of [
      '/internal/connections/00000000-0000-4000-8000-000000000000/access',
      '/internal/connections/00000000-0000-4000-8000-000000000000/report',
      '/internal/connections/check',
      '/api/internal/connections/check',
      '/api/internal/connections/00000000-0000-4000-8000-000000000000/access',
      '/api/connections/00000000-0000-4000-8000-000000000000/access',
    ]) {
      const res = await get(p, {
        method: 'POST',
        body: JSON.stringify({ ownerId: '00000000-0000-4000-8000-000000000000' }),
        headers: { 'content-type': 'application/json', authorization: 'Bearer guess' },
      });
      expect(res.status).toBe(404);
    }
    expect(services.auth.seen.some((s) => /\/(access|report|check)\b/.test(s.url))).toBe(false);
  });

  it('answers 413 with a JSON error for a declared or streamed body over the limit, without reaching the service', async () => {
    const before = services.catalog.seen.length;
    const declared = await get('/api/workflows', {
      method: 'POST',
      body: 'x'.repeat(2000),
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });

    const chunks = [Buffer.alloc(800, 120), Buffer.alloc(800, 120)];
    const streamed = await get('/api/workflows', {
      method: 'POST',
      duplex: 'half',
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(services.catalog.seen.length).toBe(before);
  });

  it('allows hooks their own, larger body limit', async () => {
    const ok = await get('/hooks/abc', { method: 'POST', body: 'x'.repeat(3000) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ bodyBytes: 3000 });
    const tooBig = await get('/hooks/abc', { method: 'POST', body: 'x'.repeat(5000) });
    expect(tooBig.status).toBe(413);
  });

  it('streams server-sent events through', async () => {
    const res = await get('/api/executions/stream');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(
      'event: execution\ndata: {"n":1}\n\nevent: execution\ndata: {"n":2}\n\n',
    );
  });

  it('aggregates the upstreams’ readiness in /readyz', async () => {
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      upstreams: Record<string, { status: string; checks?: Record<string, string> }>;
    };
    expect(body.upstreams.auth).toEqual({ status: 'ready', checks: { db: 'ok', redis: 'ok' } });
    expect(body.upstreams.execution).toMatchObject({ status: 'not ready', checks: { db: 'down' } });
    expect(body.upstreams.executor.status).toBe('unreachable');
    expect((await get('/healthz')).status).toBe(200);
  });

  it('answers 502 with a JSON error when an upstream is down', async () => {
    await services.trigger.close();
    const res = await get('/hooks/abc', { method: 'POST', body: '{}' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      error: { code: 'upstream_unavailable', message: expect.stringContaining('trigger') },
    });
  });

  it('serves an OpenAPI 3.1 document whose references all resolve, and Swagger UI', async () => {
    const res = await get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/signup',
        '/api/workflows/{id}/runs',
        '/hooks/{hookId}',
        '/api/executions/{id}',
      ]),
    );
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1],
    );
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
    const signup = doc.paths['/api/auth/signup'].post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
    };
    expect(signup.requestBody.content['application/json'].schema.required).toEqual([
      'email',
      'password',
    ]);

    const page = await get('/api/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/api/docs/assets/swagger-ui-bundle.js');
    const bundle = await get('/api/docs/assets/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });

  it('explains that the web app is not built, then serves it once built', async () => {
    const before = await get('/', { headers: { accept: 'text/html' } });
    expect(await before.text()).toContain('not built');

    fs.mkdirSync(path.join(webDist, 'assets'));
    fs.writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(webDist, 'assets', 'app-1234abcd.js'), 'console.log(1)');
    const index = await get('/workflows/123/edit', { headers: { accept: 'text/html' } });
    expect(await index.text()).toContain('<div id="root">');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await get('/assets/app-1234abcd.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('serves precompressed assets with their encoding and cache headers, and never a source map', async () => {
    const js = `export const answer = ${JSON.stringify('x'.repeat(5000))};\n`;
    const file = path.join(webDist, 'assets', 'page-5678efgh.js');
    fs.writeFileSync(file, js);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(js));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(js));
    fs.writeFileSync(`${file}.map`, '{"version":3,"sources":["secret.ts"]}');
    fs.writeFileSync(path.join(webDist, 'app.js.map'), '{}');

    const br = await get('/assets/page-5678efgh.js', {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Number(br.headers.get('content-length'))).toBeLessThan(js.length / 10);
    expect(await br.text()).toBe(js); // undici decodes it: the bytes are the file

    const gz = await get('/assets/page-5678efgh.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(js);

    const plain = await get('/assets/page-5678efgh.js', {
      headers: { 'accept-encoding': 'identity, br;q=0' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await plain.text()).toBe(js);

    for (const p of [
      '/assets/page-5678efgh.js.map',
      '/app.js.map',
      '/assets/PAGE-5678efgh.js.MAP',
    ]) {
      const res = await get(p);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('secret.ts');
    }

    const index = await get('/executions', { headers: { accept: 'text/html' } });
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(await index.text()).toContain('<div id="root">');
  });
});

describe('local gateway with the services in its process (one-process mode)', () => {
  let certs: DevCerts;
  let services: Record<string, Awaited<ReturnType<typeof fakeService>>>;
  let gateway: Gateway;
  let base: string;
  let dispatcher: Agent;
  const get = (p: string, init: Parameters<typeof fetch>[1] = {}) =>
    fetch(`${base}${p}`, { dispatcher, ...init });
  const lastSeen = (name: string) => services[name].seen.at(-1)!;

  beforeAll(async () => {
    certs = await ensureDevCerts(fs.mkdtempSync(path.join(os.tmpdir(), 'fg-gw-certs-')));
    services = {
      auth: await fakeService(certs, 'auth'),
      catalog: await fakeService(certs, 'catalog'),
      trigger: await fakeService(certs, 'trigger'),
      execution: await fakeService(certs, 'execution'),
    };
    const config = gatewayConfig(certs, services, {
      EXECUTOR_URL: '',
      WEB_DIST_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fg-gw-web-')),
    });
    gateway = createGateway(config, {
      logger: pino({ level: 'silent' }),
      inProcess: {
        auth: services.auth.handler,
        catalog: services.catalog.handler,
        trigger: services.trigger.handler,
        execution: services.execution.handler,
      },
    });
    const running = await gateway.start();
    base = `https://localhost:${running.port}`;
    dispatcher = new Agent({ connect: { ca: fs.readFileSync(certs.caCert) } });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all(Object.values(services).map((s) => s.close()));
    await dispatcher.close();
  });

  it('hands each service the request the proxy would send: path, correlation id, X-Forwarded-*, cookies', async () => {
    const res = await get('/api/workflows/w1/runs?x=1', {
      method: 'POST',
      body: '{"a":1}',
      headers: {
        'content-type': 'application/json',
        'x-correlation-id': 'abc-123',
        'x-forwarded-for': '6.6.6.6',
        cookie: 'theme=dark; __Host-fg_refresh=secret-token',
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      upstream: 'trigger',
      url: '/workflows/w1/runs?x=1',
      bodyBytes: 7,
    });
    expect(res.headers.get('x-correlation-id')).toBe('abc-123');
    const seen = lastSeen('trigger');
    expect(seen.headers).toMatchObject({
      'x-correlation-id': 'abc-123',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      cookie: 'theme=dark',
    });
    expect(seen.headers['x-forwarded-host']).toMatch(/^localhost:\d+$/);
    expect(seen.originalUrl).toBe('/workflows/w1/runs?x=1');

    await get('/api/auth/refresh', {
      method: 'POST',
      headers: { cookie: '__Host-fg_refresh=secret-token' },
    });
    expect(lastSeen('auth').headers.cookie).toBe('__Host-fg_refresh=secret-token');
    expect(await (await get('/hooks/abc')).json()).toMatchObject({
      upstream: 'trigger',
      url: '/hooks/abc',
    });
  });

  it('keeps its own security headers over the service’s, and passes the others back', async () => {
    const res = await get('/api/auth/login', { method: 'POST', body: '{}' });
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('set-cookie')).toBe('a=b; Path=/api/auth');
    expect(res.headers.get('x-upstream')).toBe('auth');
  });

  it('applies the same body limits: 413 for a declared or streamed body over them, hooks their own', async () => {
    const before = services.catalog.seen.length;
    const declared = await get('/api/workflows', { method: 'POST', body: 'x'.repeat(2000) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const chunks = [Buffer.alloc(800, 120), Buffer.alloc(800, 120)];
    const streamed = await get('/api/workflows', {
      method: 'POST',
      duplex: 'half',
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
    });
    expect(streamed.status).toBe(413);
    expect(services.catalog.seen.length).toBe(before);

    const ok = await get('/hooks/abc', { method: 'POST', body: 'x'.repeat(3000) });
    expect(await ok.json()).toMatchObject({ bodyBytes: 3000 });
    expect((await get('/hooks/abc', { method: 'POST', body: 'x'.repeat(5000) })).status).toBe(413);
  });

  it('streams server-sent events through', async () => {
    const res = await get('/api/executions/stream');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(
      'event: execution\ndata: {"n":1}\n\nevent: execution\ndata: {"n":2}\n\n',
    );
  });
});
