import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { requireServiceTokenFrom, SERVICE_TOKEN_HEADER } from '../src';

const TOKEN = 'internal-service-token-for-platform-tests-0123456789';

describe('requireServiceTokenFrom', () => {
  let server: Server;
  let url: string;
  let loads = 0;
  let readable = false;

  beforeAll(async () => {
    const app = express();
    app.use(
      requireServiceTokenFrom(async () => {
        loads += 1;
        if (!readable) throw new Error('EACCES: internal.token');
        return TOKEN;
      }),
    );
    app.get('/internal/thing', (_req, res) => res.json({ ok: true }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/internal/thing`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (token?: string) =>
    fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers 503 while the token cannot be read, and reads it again at the next request', async () => {
    const unreadable = await get(TOKEN);
    expect(unreadable.status).toBe(503);
    const body = (await unreadable.json()) as { error: { message: string } };
    expect(body.error.message).toContain('EACCES');
    expect(loads).toBe(1);

    readable = true;
    expect((await get(TOKEN)).status).toBe(200);
    expect(loads).toBe(2);
  });

  it('then answers 401 without the token or with a wrong one, reading it only once', async () => {
    readable = true;
    const before = loads;
    const without = await get();
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toContain('Bearer');
    expect((await get(`${TOKEN}x`)).status).toBe(401);
    expect(await (await get(TOKEN)).json()).toEqual({ ok: true });
    expect(loads).toBe(before);
  });

  it('takes the token from x-flowgenie-service-token when Authorization holds a SigV4 signature', async () => {
    readable = true;
    const signed = (token: string) =>
      fetch(url, {
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=ASIA/20261201/eu-west-1/lambda/aws4_request',
          [SERVICE_TOKEN_HEADER]: token,
        },
      });
    expect((await signed(TOKEN)).status).toBe(200);
    expect((await signed(`${TOKEN}x`)).status).toBe(401);
  });
});
