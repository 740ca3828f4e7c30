import {
  countRows,
  expectUnstorableRefused,
  routesWithBody,
  unstorableBodies,
} from '@flowgenie/testing';
import { CATALOG_SCHEMA } from '../src/adapters/persistence/workflow.table';
import { aGraph, startCatalog, type TestCatalog } from './helpers';

jest.setTimeout(60_000);

let catalog: TestCatalog;
let token: string;
let workflowId: string;
beforeAll(async () => {
  catalog = await startCatalog('catalog_unstorable');
  ({ token } = await catalog.userToken());
  const created = await catalog.call('POST', '/workflows', {
    token,
    body: { name: 'existing', graph: aGraph() },
  });
  workflowId = created.body.id;
});
afterAll(() => catalog?.close());

/** Every catalog route that takes a JSON body, with a valid body and the string field to spoil. */
const ROUTES: Record<
  string,
  { path: () => string; body: () => Record<string, unknown>; field: string }
> = {
  'POST /workflows/': {
    path: () => '/workflows',
    body: () => ({ name: 'new', graph: aGraph() }),
    field: 'name',
  },
  'POST /workflows/import': {
    path: () => '/workflows/import',
    body: () => ({
      format: 'flowgenie.workflow',
      formatVersion: 1,
      name: 'imported',
      graph: aGraph(),
    }),
    field: 'description',
  },
  'POST /workflows/from-template': {
    path: () => '/workflows/from-template',
    body: () => ({ templateId: 'webhook-transform-respond', name: 'from a template' }),
    field: 'name',
  },
  'PUT /workflows/:id': {
    path: () => `/workflows/${workflowId}`,
    body: () => ({ name: 'renamed' }),
    field: 'description',
  },
  'POST /workflows/:id/validate': {
    path: () => `/workflows/${workflowId}/validate`,
    body: () => ({}),
    field: 'note',
  },
  'POST /workflows/:id/publish': {
    path: () => `/workflows/${workflowId}/publish`,
    body: () => ({}),
    field: 'note',
  },
  'POST /workflows/:id/activate': {
    path: () => `/workflows/${workflowId}/activate`,
    body: () => ({}),
    field: 'note',
  },
  'POST /workflows/:id/deactivate': {
    path: () => `/workflows/${workflowId}/deactivate`,
    body: () => ({}),
    field: 'note',
  },
  'POST /workflows/:id/duplicate': {
    path: () => `/workflows/${workflowId}/duplicate`,
    body: () => ({}),
    field: 'name',
  },
};

it('the table names every catalog route that takes a body', () => {
  expect(Object.keys(ROUTES).sort()).toEqual(routesWithBody(catalog.app));
});

const cases = Object.entries(ROUTES).flatMap(([route, spec]) =>
  unstorableBodies(spec.body(), spec.field).map(
    ({ label, text }) => [route, label, text, spec] as const,
  ),
);

it.each(cases)(
  '%s with %s is 400 with a located message and stores nothing',
  async (route, _label, text, spec) => {
    const before = await countRows(catalog.config.DATABASE_URL, CATALOG_SCHEMA);
    const answer = await catalog.call(route.split(' ')[0], spec.path(), { token, rawBody: text });
    expectUnstorableRefused(answer.status, answer.body);
    expect(await countRows(catalog.config.DATABASE_URL, CATALOG_SCHEMA)).toEqual(before);
  },
);
