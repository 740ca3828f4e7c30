import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GreetingServer {
  /** `GET <url>/greeting` -> 200 `{ greeting: 'hi' }` after `delayMs`. */
  url: string;
  hits: () => number;
  close(): Promise<void>;
}

/** A plain HTTP API on 127.0.0.1 for the builder's HTTP request step to call. */
export async function startGreetingServer(delayMs = 0): Promise<GreetingServer> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    const found = (req.url ?? '/').split('?')[0] === '/greeting';
    if (found) hits += 1;
    setTimeout(
      () => {
        res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(found ? { greeting: 'hi' } : { error: 'no such route' }));
      },
      found ? delayMs : 0,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
