import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ConnectionAccessError, type ConnectionAccess } from './connection-access';
import { internalConnectionAccess } from './service-token';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-service-token-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('internalConnectionAccess', () => {
  it('hands an unreadable token’s reason to the service, whose access is the one used', async () => {
    const file = path.join(dir, 'short.token');
    fs.writeFileSync(file, 'too-short\n', { mode: 0o600 });
    const reasons: string[] = [];
    const refusing: ConnectionAccess = {
      access: async () => {
        throw new ConnectionAccessError('connection_unavailable', 'refused');
      },
      report: async () => undefined,
    };
    const access = await internalConnectionAccess(
      { AUTH_INTERNAL_URL: 'http://127.0.0.1:9', INTERNAL_SERVICE_TOKEN_FILE: file },
      (reason) => {
        reasons.push(reason);
        return refusing;
      },
    );
    expect(access).toBe(refusing);
    expect(reasons).toEqual([
      expect.stringMatching(/internal service token could not be read .*fewer than 32 characters/),
    ]);
  });

  it('with a token, calls auth’s internal endpoint with it', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const token = 't'.repeat(40);
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url!, authorization: req.headers.authorization ?? null });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'connection_not_found', message: 'no' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const access = await internalConnectionAccess(
        {
          AUTH_INTERNAL_URL: `http://127.0.0.1:${port}`,
          INTERNAL_SERVICE_TOKEN: token,
          INTERNAL_SERVICE_TOKEN_FILE: path.join(dir, 'unused.token'),
        },
        () => {
          throw new Error('the token was readable');
        },
      );
      const err = await access.access('c1', 'o1').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'connection_not_found' });
      expect(seen).toEqual([
        { url: '/internal/connections/c1/access', authorization: expect.stringContaining(token) },
      ]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
