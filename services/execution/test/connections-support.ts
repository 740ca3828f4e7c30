import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from './support';

export const SERVICE_TOKEN = 'internal-service-token-for-these-tests-0123456789';
export const ALICE = 'alice@example.com';

/**
 * A stand-in for auth's internal access endpoint (POST /internal/connections/{id}/access and
 * /report, as the contract describes them): the owner's connections by id, the service token
 * checked. Records what it was asked.
 */
export async function startAuthInternal() {
  const connections = new Map<
    string,
    { ownerId: string; provider: string; token: string; revoked?: boolean }
  >();
  const calls: { path: string; authorization?: string; body: Json }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.headers.authorization !== `Bearer ${SERVICE_TOKEN}`)
        return send(401, { error: { code: 'unauthorized', message: 'no' } });
      const m = /^\/internal\/connections\/([^/]+)\/(access|report)$/.exec(req.url ?? '');
      const c = m && connections.get(m[1]);
      if (!m || !c || c.ownerId !== body.ownerId)
        return send(404, {
          error: { code: 'connection_not_found', message: 'connection not found' },
        });
      if (m[2] === 'report') return send(204, {});
      if (c.revoked)
        return send(409, {
          error: { code: 'connection_revoked', message: 'the connection was revoked' },
        });
      send(200, {
        connectionId: m[1],
        provider: c.provider,
        account: c.provider === 'google' ? ALICE : 'FlowGenie Test (T0FAKETEAM)',
        auth: { type: 'bearer', token: c.token },
        expiresAt: Date.now() + 3_600_000,
        scopes: [],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    add(ownerId: string, provider: string, token: string, revoked = false) {
      const id = randomUUID();
      connections.set(id, { ownerId, provider, token, revoked });
      return id;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An HTTP hop in front of a fake provider that forwards every request, except that the answer to
 * the first request `hold` matches is never passed on (the request did reach the provider): what
 * a worker that dies mid-request, or a lost answer, looks like from the executor.
 */
export async function startInterposer(
  target: string,
  hold: (method: string, path: string) => boolean,
) {
  let held = 0;
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([k]) => !['host', 'connection', 'content-length'].includes(k),
        ),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await answer.arrayBuffer());
      if (held === 0 && hold(req.method ?? 'GET', (req.url ?? '').split('?')[0])) {
        held += 1;
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
