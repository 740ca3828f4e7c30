import {
  countRows,
  expectUnstorableRefused,
  routesWithBody,
  unstorableBodies,
} from '@flowgenie/testing';
import { SCHEMA } from '../src/config';
import { httpGraph, startExecutionService, type TestExecution } from './support';

jest.setTimeout(60_000);

let svc: TestExecution;
let token: string;
let executionId: string;
beforeAll(async () => {
  // No executor: the execution stays running, so retry and cancel would both act on it.
  svc = await startExecutionService('execution_unstorable', {}, { executor: false });
  const user = await svc.userToken();
  token = user.token;
  ({ executionId } = await svc.trigger({
    ownerId: user.userId,
    graph: httpGraph('http://127.0.0.1:9/never'),
  }));
  await svc.waitForExecution(executionId, token, (e) => e.status === 'running');
});
afterAll(() => svc?.close());

/** Every execution API route that takes a body. */
const ROUTES: Record<string, { path: () => string }> = {
  'POST /executions/:id/retry': { path: () => `/executions/${executionId}/retry` },
  'POST /executions/:id/cancel': { path: () => `/executions/${executionId}/cancel` },
  // Refused before the service token is looked at, like auth's internal routes.
  'POST /internal/executions/latest': { path: () => '/internal/executions/latest' },
};

it('the table names every execution route that takes a body', () => {
  expect(Object.keys(ROUTES).sort()).toEqual(routesWithBody(svc.app));
});

const cases = Object.entries(ROUTES).flatMap(([route, spec]) =>
  unstorableBodies({ reason: 'ok' }, 'reason').map(
    ({ label, text }) => [route, label, text, spec] as const,
  ),
);

it.each(cases)(
  '%s with %s is 400 with a located message and changes nothing',
  async (_route, _label, text, spec) => {
    const before = await countRows(svc.config.DATABASE_URL, SCHEMA);
    const res = await fetch(`${svc.url}${spec.path()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: text,
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expectUnstorableRefused(res.status, body);
    expect(await countRows(svc.config.DATABASE_URL, SCHEMA)).toEqual(before);
    expect((await svc.call('GET', `/executions/${executionId}`, { token })).body.status).toBe(
      'running',
    );
  },
);
