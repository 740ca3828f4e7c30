import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { graphWith, TriggerHarness } from './support';

const ALICE = 'alice@example.com';
const SERVICE_TOKEN = 'internal-service-token-for-tests-0123456789';

jest.setTimeout(60_000);

/**
 * Without a ConnectionAccess seam the service reads the service token from
 * INTERNAL_SERVICE_TOKEN_FILE and calls AUTH_INTERNAL_URL's internal access endpoint (docs/API.md).
 * A stand-in for that endpoint (auth's own is not on main yet) answers per the contract.
 */
describe('connection access through auth’s internal endpoint', () => {
  let google: FakeGoogle;
  let auth: http.Server;
  let dir: string;
  let h: TriggerHarness;
  const seen: Array<{ path: string; authorization?: string; body: unknown }> = [];
  const connectionId = randomUUID();
  const ownerId = randomUUID();

  beforeAll(async () => {
    google = await startFakeGoogle({ accounts: [{ email: ALICE, name: 'Alice' }] });
    auth = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { ownerId?: string; requiredScopes?: string[] };
        seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
        res.setHeader('content-type', 'application/json');
        if (req.headers.authorization !== `Bearer ${SERVICE_TOKEN}`) {
          res.statusCode = 401;
          res.end(
            JSON.stringify({ error: { code: 'unauthorized', message: 'service token required' } }),
          );
          return;
        }
        if (
          req.url !== `/internal/connections/${connectionId}/access` ||
          body.ownerId !== ownerId
        ) {
          res.statusCode = 404;
          res.end(
            JSON.stringify({
              error: { code: 'connection_not_found', message: 'connection not found' },
            }),
          );
          return;
        }
        const issued = google.issueToken({ email: ALICE, scopes: body.requiredScopes ?? [] });
        res.end(
          JSON.stringify({
            connectionId,
            provider: 'google',
            account: ALICE,
            auth: { type: 'bearer', token: issued.accessToken },
            expiresAt: issued.expiresAt,
            scopes: issued.scopes,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    dir = await mkdtemp(path.join(tmpdir(), 'fg-trigger-'));
    await writeFile(path.join(dir, 'internal.token'), `${SERVICE_TOKEN}\n`);
    h = await TriggerHarness.start({
      GOOGLE_BASE_URL: google.url,
      AUTH_INTERNAL_URL: `http://127.0.0.1:${(auth.address() as AddressInfo).port}`,
      INTERNAL_SERVICE_TOKEN_FILE: path.join(dir, 'internal.token'),
    });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((r) => auth.close(r));
    await google.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('polls with a token from the endpoint, asking for the Gmail scope with the service token', async () => {
    const wf = await h.activate({
      ownerId,
      graph: graphWith({
        type: 'gmail_new_message',
        config: { connectionId, query: 'from:boss@example.com' },
      }),
    });
    await h.pollsSettled(wf.workflowId);
    google.deliverEmail(ALICE, { from: 'boss@example.com', subject: 'through auth' });

    expect(await h.service.integrations.poll.execute(wf.workflowId)).toMatchObject({
      kind: 'polled',
      fired: 1,
    });
    expect(seen.at(-1)).toEqual({
      path: `/internal/connections/${connectionId}/access`,
      authorization: `Bearer ${SERVICE_TOKEN}`,
      body: { ownerId, requiredScopes: ['https://www.googleapis.com/auth/gmail.readonly'] },
    });
  });

  it('pauses a trigger whose connection auth does not know for its owner', async () => {
    const wf = await h.activate({
      graph: graphWith({ type: 'gmail_new_message', config: { connectionId, query: '' } }),
    });
    expect(await h.service.integrations.poll.execute(wf.workflowId)).toEqual({
      kind: 'paused',
      reason: 'the connection no longer exists: choose another one',
    });
  });
});
