import { startTcpProxy, waitFor, type TcpProxy } from '@flowgenie/testing';
import { graphWith, TriggerHarness, type ActivatedWorkflow } from './support';

jest.setTimeout(60_000);

describe('webhooks while the database is unreachable', () => {
  let proxy: TcpProxy;
  let h: TriggerHarness;
  let hook: ActivatedWorkflow;

  beforeAll(async () => {
    proxy = await startTcpProxy({ port: 5432 });
    h = await TriggerHarness.start({}, { dbThrough: proxy });
    hook = await h.activate({
      graph: graphWith({
        type: 'webhook',
        config: { method: 'POST', responseMode: 'immediately' },
      }),
    });
  });

  afterAll(async () => {
    proxy?.heal();
    await h?.close();
    await proxy?.close();
  });

  const call = (key: string) =>
    fetch(hook.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: '{"order":1}',
    });

  it('answers 503 with Retry-After and a JSON error while cut, and fires again once healed', async () => {
    proxy.cut();
    const during = await call('during-outage');
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe(
      'service_unavailable',
    );

    proxy.heal();
    const after = await waitFor(
      async () => {
        const res = await call('after-outage');
        return res.status === 202 ? res : undefined;
      },
      { timeoutMs: 15_000, message: 'the webhook did not recover' },
    );
    expect(after.status).toBe(202);
    await h.waitForTriggered((e) => e.data.workflowId === hook.workflowId);
    // The call refused during the outage wrote nothing; only the one after it fired.
    expect((await h.firingsOf(hook.workflowId)).map((f) => f.idempotency_key)).toEqual([
      expect.stringContaining('after-outage'),
    ]);
  });
});
