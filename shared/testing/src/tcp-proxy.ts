import net from 'node:net';

export interface TcpProxy {
  /** Port on 127.0.0.1 that forwards to the target. */
  port: number;
  /** `url` (postgres://…, redis://…) with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  /** Drops every live connection (reset) and resets every new one until `heal()`: an outage. */
  cut(): void;
  /** Forwards new connections again. */
  heal(): void;
  /** Connections forwarded since the proxy started (clients reconnecting show up here). */
  readonly connectionsMade: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy a test controls, to cut a service's connections to Postgres or Redis without
 * touching the shared servers everyone else's tests use.
 *
 * @example
 * const proxy = await startTcpProxy({ port: 5432 });
 * const service = await compose(loadConfig({ DATABASE_URL: proxy.urlThrough(db.url) }));
 * proxy.cut(); // … the service answers 503 …
 * proxy.heal();
 */
export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const live = new Set<net.Socket>();
  let refusing = false;
  let connectionsMade = 0;

  const server = net.createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    connectionsMade += 1;
    const upstream = net.connect(target.port, host);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      live.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        live.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const dropAll = () => {
    for (const socket of live) socket.resetAndDestroy();
    live.clear();
  };
  return {
    port,
    urlThrough(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      refusing = true;
      dropAll();
    },
    heal() {
      refusing = false;
    },
    get connectionsMade() {
      return connectionsMade;
    },
    close: () =>
      new Promise<void>((resolve) => {
        refusing = true;
        dropAll();
        server.close(() => resolve());
      }),
  };
}
