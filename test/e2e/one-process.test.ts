import fs from 'node:fs';
import { waitFor } from '@flowgenie/testing';
import { Session } from './support/client';
import { startE2eStack, type E2eStack } from './support/stack';
import { chain, graph } from './support/workflows';

// One process starts every service in turn; on a busy machine that takes up to a minute.
jest.setTimeout(120_000);

/** The command line of a process, as the system sees it. */
const commandOf = (pid: number) =>
  fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('the one-process mode (npm start default): every service in one Node process', () => {
  let e2e: E2eStack;

  beforeAll(async () => {
    e2e = await startE2eStack('oneproc', {}, { processes: 'one' });
  }, 400_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it('runs one built process, not one per service, and not through a TypeScript loader', () => {
    const pids = e2e.stack.pids();
    expect(Object.keys(pids)).toEqual(['flowgenie']);
    const command = commandOf(pids.flowgenie!);
    expect(command.at(-1)).toMatch(/dist\/flowgenie\.js$/);
    expect(command).not.toContain('tsx');
  });

  it('answers /readyz through the gateway with every service ready', async () => {
    const res = await e2e.client.get('/readyz');

    expect(res.status).toBe(200);
    const statuses = Object.fromEntries(
      Object.entries(res.body.upstreams as Record<string, { status: string }>).map(([name, u]) => [
        name,
        u.status,
      ]),
    );
    expect(statuses).toEqual({
      auth: 'ready',
      'workflow-catalog': 'ready',
      trigger: 'ready',
      execution: 'ready',
      executor: 'ready',
    });
  });

  it('runs a webhook -> transform -> respond workflow and answers the caller through the gateway', async () => {
    const { client } = e2e;
    const user = await Session.signUp(client, `one-${Date.now()}@example.com`);
    const created = await user.post('/api/workflows', {
      body: {
        name: 'Sum',
        graph: graph(
          [
            { id: 'hook', type: 'webhook', config: { responseMode: 'respond_node' } },
            {
              id: 'sum',
              type: 'transform',
              config: { expression: '{{ { "total": trigger.body.a + trigger.body.b } }}' },
            },
            {
              id: 'reply',
              type: 'respond_to_webhook',
              config: { status: 200, body: '{{ steps.sum }}' },
            },
          ],
          chain('hook', 'sum', 'reply'),
        ),
      },
    });
    expect(created.status).toBe(201);
    const wf = created.body as { id: string; hookPath: string };
    expect((await user.post(`/api/workflows/${wf.id}/publish`)).status).toBe(201);
    expect((await user.post(`/api/workflows/${wf.id}/activate`, { body: {} })).status).toBe(200);
    await waitFor(async () => (await client.get(wf.hookPath)).status !== 404, {
      timeoutMs: 15_000,
      message: 'hook registered',
    });

    const res = await client.post(wf.hookPath, {
      body: { a: 2, b: 3 },
      headers: { 'x-correlation-id': 'one-process-e2e-1' },
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ total: 5 });
    expect(res.headers.get('x-correlation-id')).toBe('one-process-e2e-1');
    const executions = await user.get(`/api/executions?workflowId=${wf.id}`);
    expect(executions.body.items).toEqual([
      expect.objectContaining({ workflowId: wf.id, status: 'succeeded' }),
    ]);
    // The workflows list asks the execution service (same process, over its internal address).
    const listed = (await user.get('/api/workflows')).body.items;
    expect(listed.find((w: { id: string }) => w.id === wf.id)).toMatchObject({
      lastExecution: { id: executions.body.items[0].id, status: 'succeeded' },
      lastExecutionKnown: true,
    });
  });

  it('refuses a webhook body over the gateway limit with 413, as the split mode does', async () => {
    const res = await e2e.client.post('/hooks/00000000-0000-4000-8000-000000000000', {
      rawBody: Buffer.alloc(1024 * 1024 + 1, 'a'),
      headers: { 'content-type': 'application/json' },
    });

    expect(res.status).toBe(413);
  });
});
