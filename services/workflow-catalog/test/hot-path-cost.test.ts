import pg from 'pg';
import { Queue } from 'bullmq';
import { consumerQueueName } from '@flowgenie/messaging/local';
// The real execution service (API + executor), as its own tests start it.
import {
  hotPathGraph,
  startExecutionService,
  type TestExecution,
} from '../../execution/test/support';
import { startCatalog, type TestCatalog } from './helpers';

jest.setTimeout(120_000);

const SERVICE_TOKEN = 'internal-service-token-for-hot-path-cost-0123456789';

const hotPath = hotPathGraph();

let execution: TestExecution;
let catalog: TestCatalog;

beforeAll(async () => {
  execution = await startExecutionService('catalog_cost_exec', {
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  // One bus: the catalog on the execution service's Redis prefix, as in the local stack.
  catalog = await startCatalog('catalog_cost', {
    REDIS_PREFIX: execution.prefix,
    // Its outbox relay's idle poll is time, not executions: out of the counting window.
    OUTBOX_POLL_MS: '60000',
    EXECUTION_INTERNAL_URL: execution.url,
    INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
  });
});
afterAll(async () => {
  await catalog?.close();
  await execution?.close();
});

/**
 * What the catalog spends per execution, counted over the real catalog and execution service on
 * one bus: Postgres queries against the catalog's database, rows of its inbox (one consumed event
 * each) and jobs on its consumer queue. It used to be two of each event (started, succeeded):
 * 2 jobs, 2 inbox transactions, ~10 queries per execution. Now nothing: the list asks instead.
 */
it('costs the catalog nothing per execution; its list still shows the last run', async () => {
  const user = await catalog.userToken();
  const created = await catalog.call('POST', '/workflows', {
    token: user.token,
    body: { name: 'Hot path', graph: hotPath },
  });
  const workflowId = created.body.id as string;
  const run = async () => {
    const { executionId } = await execution.trigger({
      ownerId: user.userId,
      workflowId,
      graph: hotPath,
      payload: { body: { a: 7, b: 8 } },
    });
    while (!execution.responses.some((m) => m.executionId === executionId && m.kind === 'final'))
      await new Promise((r) => setTimeout(r, 5));
    return executionId;
  };
  await run(); // warm

  const catalogDatabase = new URL(catalog.config.DATABASE_URL).pathname.slice(1);
  const inboxRows = async () =>
    Number(
      (
        await catalog.db
          .selectFrom('inbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const queue = new Queue(consumerQueueName('workflow-catalog'), {
    connection: catalog.redis,
    prefix: execution.prefix,
  });
  const jobs = async () => {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };
  // Let whatever the warm-up run sent the catalog settle before counting.
  await new Promise((r) => setTimeout(r, 1500));
  const inboxBefore = await inboxRows();
  const jobsBefore = await jobs();

  let catalogQueries = 0;
  const query = pg.Client.prototype.query;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    if (this.database === catalogDatabase) catalogQueries += 1;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  };
  const executions = 10;
  let lastId = '';
  try {
    for (let i = 0; i < executions; i += 1) lastId = await run();
    // Time for a consumer to take what the runs published (the old catalog did, within ~1 s).
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    pg.Client.prototype.query = query;
  }
  const perExecution = {
    catalogQueries: catalogQueries / executions,
    inboxRows: ((await inboxRows()) - inboxBefore) / executions,
    catalogJobs: ((await jobs()) - jobsBefore) / executions,
  };
  await queue.close();

  expect(perExecution).toEqual({ catalogQueries: 0, inboxRows: 0, catalogJobs: 0 });
  const list = await catalog.call('GET', '/workflows', { token: user.token });
  expect(list.body.items[0]).toMatchObject({
    id: workflowId,
    lastExecution: { id: lastId, status: 'succeeded' },
  });
});
