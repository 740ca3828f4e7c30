import { randomUUID } from 'node:crypto';
import { INTERNAL_LATEST_EXECUTIONS_PATH } from '@flowgenie/contracts';
// The real execution service (API + executor), as its own tests start it.
import { startExecutionService, type TestExecution } from '../../execution/test/support';
import { aGraph, startCatalog, type TestCatalog } from './helpers';

jest.setTimeout(90_000);

const SERVICE_TOKEN = 'internal-service-token-for-last-run-tests-0123456789';

let execution: TestExecution;
let catalog: TestCatalog;
let user: { userId: string; token: string };

beforeAll(async () => {
  execution = await startExecutionService('catalog_last_runs_exec', {
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  catalog = await startCatalog('catalog_last_runs', {
    EXECUTION_INTERNAL_URL: execution.url,
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  user = await catalog.userToken();
});
afterAll(async () => {
  await catalog?.close();
  await execution?.close();
});

const call = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: user.token, body });

async function aWorkflow(name: string): Promise<string> {
  const created = await call('POST', '/workflows', { name, graph: aGraph() });
  expect(created.status).toBe(201);
  return created.body.id;
}

/** An execution row as the execution service writes it (for states a real run passes too fast). */
async function anExecution(
  workflowId: string,
  fields: { status: string; createdAt: string; startedAt?: string; finishedAt?: string },
  ownerId = user.userId,
): Promise<string> {
  const id = randomUUID();
  await execution.db
    .insertInto('executions')
    .values({
      id,
      owner_id: ownerId,
      workflow_id: workflowId,
      version: 1,
      mode: 'manual',
      status: fields.status,
      idempotency_key: id,
      trigger_node_id: 'start',
      graph: JSON.stringify(aGraph()),
      correlation_id: id,
      created_at: new Date(fields.createdAt),
      started_at: fields.startedAt ? new Date(fields.startedAt) : null,
      finished_at: fields.finishedAt ? new Date(fields.finishedAt) : null,
    })
    .execute();
  return id;
}

const listed = async (id: string) =>
  ((await call('GET', '/workflows?limit=100')).body.items as Array<Record<string, unknown>>).find(
    (w) => w.id === id,
  );

describe("the workflows list's last run, read from the execution service", () => {
  it('shows the outcome of a real run in the list and the detail', async () => {
    const workflowId = await aWorkflow('Really run');
    expect(await listed(workflowId)).toMatchObject({
      lastExecution: null,
      lastExecutionKnown: true,
    });

    const { executionId } = await execution.trigger({
      ownerId: user.userId,
      workflowId,
      graph: aGraph(),
      payload: { n: 1 },
    });
    const done = await execution.waitForExecution(
      executionId,
      (await execution.userToken(user.userId)).token,
      (e) => e.status === 'succeeded',
    );

    const expected = { id: executionId, status: 'succeeded', at: done.finishedAt };
    expect(await listed(workflowId)).toMatchObject({
      lastExecution: expected,
      lastExecutionKnown: true,
    });
    expect((await call('GET', `/workflows/${workflowId}`)).body).toMatchObject({
      lastExecution: expected,
      lastExecutionKnown: true,
    });
  });

  it('shows the newest execution, running included, and never another owner’s', async () => {
    const workflowId = await aWorkflow('Running now');
    await anExecution(workflowId, {
      status: 'failed',
      createdAt: '2026-05-01T10:00:00.000Z',
      startedAt: '2026-05-01T10:00:00.100Z',
      finishedAt: '2026-05-01T10:00:02.000Z',
    });
    const running = await anExecution(workflowId, {
      status: 'running',
      createdAt: '2026-05-01T11:00:00.000Z',
      startedAt: '2026-05-01T11:00:00.250Z',
    });
    // Someone else's execution naming this workflow id, newer still: not this user's last run.
    await anExecution(
      workflowId,
      { status: 'succeeded', createdAt: '2026-05-01T12:00:00.000Z' },
      randomUUID(),
    );

    expect(await listed(workflowId)).toMatchObject({
      lastExecution: { id: running, status: 'running', at: '2026-05-01T11:00:00.250Z' },
      lastExecutionKnown: true,
    });
  });

  it('keeps its internal endpoint to services holding the token, and refuses bad input', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(execution.url + INTERNAL_LATEST_EXECUTIONS_PATH, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const body = { ownerId: user.userId, workflowIds: [randomUUID()] };
    expect((await post(body)).status).toBe(401);
    expect((await post(body, 'x'.repeat(40))).status).toBe(401);
    expect((await post({ ownerId: 'nope', workflowIds: [] }, SERVICE_TOKEN)).status).toBe(400);
    const tooMany = { ownerId: user.userId, workflowIds: Array.from({ length: 101 }, randomUUID) };
    expect((await post(tooMany, SERVICE_TOKEN)).status).toBe(400);
    const ok = await post(body, SERVICE_TOKEN);
    expect({ status: ok.status, body: await ok.json() }).toEqual({
      status: 200,
      body: { items: [] },
    });
  });
});

describe('when the execution service does not answer', () => {
  let cut: TestCatalog;
  beforeAll(async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    cut = await startCatalog('catalog_last_runs_down', {
      EXECUTION_INTERNAL_URL: 'http://127.0.0.1:9',
      INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
    });
  });
  afterAll(async () => {
    await cut?.close();
  });

  it('still lists the workflows, with the last run marked unknown (not a 5xx)', async () => {
    const { token } = await cut.userToken(user.userId);
    const created = await cut.call('POST', '/workflows', {
      token,
      body: { name: 'Offline', graph: aGraph() },
    });
    const list = await cut.call('GET', '/workflows', { token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: created.body.id,
        lastExecution: null,
        lastExecutionKnown: false,
      }),
    ]);
    const one = await cut.call('GET', `/workflows/${created.body.id}`, { token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ lastExecution: null, lastExecutionKnown: false });
  });
});
