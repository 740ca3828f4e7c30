import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_LATEST_EXECUTIONS_PATH } from '@flowgenie/contracts';
import { aWebhookGraph, startCatalog, type TestCatalog } from './helpers';

jest.setTimeout(60_000);

/**
 * An execution service that takes every last-run question and never answers it (as one that hangs
 * does): each call is counted, and whoever waits on it waits the whole timeout.
 */
let asked: string[] = [];
const held: IncomingMessage[] = [];
let hanging: Server;
let catalog: TestCatalog;
const TIMEOUT_MS = 1500;

beforeAll(async () => {
  hanging = createServer((req) => {
    asked.push(`${req.method} ${req.url}`);
    held.push(req);
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  catalog = await startCatalog('catalog_last_run_not_asked', {
    EXECUTION_INTERNAL_URL: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
    EXECUTION_INTERNAL_TIMEOUT_MS: String(TIMEOUT_MS),
  });
});
afterAll(async () => {
  await catalog?.close();
  for (const req of held) req.socket.destroy();
  await new Promise((resolve) => hanging?.close(resolve));
});

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; res: T }> {
  const started = performance.now();
  const res = await work();
  return { ms: performance.now() - started, res };
}

describe('answers that do not need the last run', () => {
  it('save, activate and deactivate answer at once without asking the execution service', async () => {
    const { token } = await catalog.userToken();
    const call = (method: string, path: string, body?: unknown) =>
      catalog.call(method, path, { token, body });
    const created = await call('POST', '/workflows', { name: 'Autosaved', graph: aWebhookGraph() });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('POST', `/workflows/${id}/publish`)).status).toBe(201);
    asked = [];

    const saved = await timed(() => call('PUT', `/workflows/${id}`, { name: 'Autosaved again' }));
    const activated = await timed(() => call('POST', `/workflows/${id}/activate`));
    const deactivated = await timed(() => call('POST', `/workflows/${id}/deactivate`));

    expect(asked).toEqual([]);
    for (const { res, ms } of [saved, activated, deactivated]) {
      expect(res.status).toBe(200);
      // Well under the wait a last-run question costs while the execution service hangs.
      expect(ms).toBeLessThan(TIMEOUT_MS / 2);
      // Not asked, so not claimed: the builder keeps showing the last run it already has.
      expect(res.body).not.toHaveProperty('lastExecution');
      expect(res.body).not.toHaveProperty('lastExecutionKnown');
    }
    expect(saved.res.body).toMatchObject({ name: 'Autosaved again', validation: { ok: true } });
    expect(activated.res.body).toMatchObject({ active: true, activeVersion: 1 });
    expect(deactivated.res.body).toMatchObject({ active: false, activeVersion: null });

    // The detail still asks (once), waits its timeout, and shows the last run as unknown.
    const detail = await timed(() => call('GET', `/workflows/${id}`));
    expect(asked).toEqual([`POST ${INTERNAL_LATEST_EXECUTIONS_PATH}`]);
    expect(detail.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(detail.res.body).toMatchObject({ lastExecution: null, lastExecutionKnown: false });
  });
});
