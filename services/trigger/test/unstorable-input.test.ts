import {
  countRows,
  expectUnstorableRefused,
  createTestTokens,
  routesWithBody,
  TEST_AUDIENCE,
  TEST_ISSUER,
  unstorableBodies,
} from '@flowgenie/testing';
import { TRIGGER_SCHEMA } from '../src/adapters/persistence/tables';
import { graphWith, TriggerHarness, type ActivatedWorkflow } from './support';

jest.setTimeout(60_000);

let h: TriggerHarness;
let hook: ActivatedWorkflow;
let token: string;
beforeAll(async () => {
  const tokens = await createTestTokens();
  h = await TriggerHarness.start(
    { AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE },
    { keySet: tokens.keySet },
  );
  hook = await h.activate({
    graph: graphWith({ type: 'webhook', config: { method: 'ANY', responseMode: 'immediately' } }),
  });
  ({ token } = await tokens.userToken(hook.ownerId));
});
afterAll(() => h?.close());

/**
 * Every trigger route that takes a body: the webhook (any method), the test webhook URL, Slack
 * events, manual runs and starting a test-webhook listener.
 */
const ROUTES: Record<
  string,
  { method: string; path: () => string; body: Record<string, unknown>; field: string }
> = {
  'ALL /hooks/:hookId': {
    method: 'POST',
    path: () => `/hooks/${hook.hookId}`,
    body: { order: { id: 1 } },
    field: 'customer',
  },
  // Refused before any listener is looked up (and so before one is used up).
  'ALL /hooks/test/:listenerId': {
    method: 'POST',
    path: () => '/hooks/test/00000000-0000-4000-8000-000000000000',
    body: { order: { id: 1 } },
    field: 'customer',
  },
  'POST /workflows/:id/test-webhook': {
    method: 'POST',
    path: () => `/workflows/${hook.workflowId}/test-webhook`,
    body: { run: false },
    field: 'run',
  },
  // The app's JSON parser refuses these before the signature is even looked at.
  'POST /hooks/slack/events': {
    method: 'POST',
    path: () => '/hooks/slack/events',
    body: { type: 'event_callback', event_id: 'Ev1', team_id: 'T1', event: { type: 'message' } },
    field: 'event',
  },
  'POST /workflows/:id/runs': {
    method: 'POST',
    path: () => `/workflows/${hook.workflowId}/runs`,
    body: { payload: { a: 1 } },
    field: 'payload',
  },
};

it('the table names every trigger route that takes a body', () => {
  expect(Object.keys(ROUTES).sort()).toEqual(routesWithBody(h.service.app));
});

const send = (method: string, path: string, body: string, contentType = 'application/json') =>
  fetch(`${h.url}${path}`, {
    method,
    headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
    body,
  });

const cases = Object.entries(ROUTES).flatMap(([route, spec]) =>
  unstorableBodies(spec.body, spec.field).map(
    ({ label, text }) => [route, label, text, spec] as const,
  ),
);

it.each(cases)(
  '%s with %s is 400 with a located message and stores nothing',
  async (_route, _label, text, spec) => {
    const before = await countRows(h.config.DATABASE_URL, TRIGGER_SCHEMA);
    const res = await send(spec.method, spec.path(), text);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { path: string }[] };
    };
    expectUnstorableRefused(res.status, body);
    expect(await countRows(h.config.DATABASE_URL, TRIGGER_SCHEMA)).toEqual(before);
  },
);

it.each([
  [
    'a text body with a NUL',
    'PUT',
    '',
    'line one\u0000line two',
    'text/plain',
    /^body contains a NUL/,
  ],
  [
    'a query string with a NUL',
    'GET',
    '?q=a%00b',
    undefined,
    undefined,
    /^query\.q contains a NUL/,
  ],
])(
  'a webhook call with %s is 400 and fires nothing',
  async (_label, method, query, body, contentType, message) => {
    const before = await countRows(h.config.DATABASE_URL, TRIGGER_SCHEMA);
    const res = await fetch(`${hook.hookUrl}${query}`, {
      method,
      headers: contentType ? { 'content-type': contentType } : {},
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    expect(await countRows(h.config.DATABASE_URL, TRIGGER_SCHEMA)).toEqual(before);
  },
);
