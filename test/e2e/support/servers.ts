import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  /** Requests received, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A plain HTTP server on 127.0.0.1 that the workflows' HTTP steps call:
 * - `GET /users/{id}` -> `{ id, name, score }`
 * - `GET /flaky/{key}` -> 500 twice per key, then `{ ok: true, attempt }`
 * - `GET /down` -> always 500 `{ error: 'down for maintenance' }`
 */
export async function startTestServer(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const count = (hits.get(path) ?? 0) + 1;
    hits.set(path, count);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const user = path.match(/^\/users\/(\w+)$/);
    if (user) return json(200, { id: user[1], name: `User ${user[1]}`, score: user[1].length * 4 });
    if (path.startsWith('/flaky/'))
      return count <= 2
        ? json(500, { error: `failure ${count}` })
        : json(200, { ok: true, attempt: count });
    if (path === '/down') return json(500, { error: 'down for maintenance' });
    json(404, { error: 'no such test route' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
