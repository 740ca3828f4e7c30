/**
 * Screenshots of the built app against a mocked API (no services needed), for a quick visual
 * check: `npm run build -w @flowgenie/web && (cd web && npx vite preview &) && npx tsx web/scripts/screenshot.ts`.
 * Needs Debian's chromium at /usr/bin/chromium. Writes PNGs to $OUT_DIR (default /tmp/fg-shots).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Page, type Route } from 'playwright-core';

const base = process.env.BASE_URL ?? 'http://localhost:4173';
const outDir = process.env.OUT_DIR ?? '/tmp/fg-shots';
mkdirSync(outDir, { recursive: true });

// @flowgenie/workflow is CommonJS-style TypeScript; this script is an ES module.
const workflowPkg = (await import('@flowgenie/workflow')) as unknown as {
  listNodeTypes?: () => unknown[];
  default?: { listNodeTypes: () => unknown[] };
};
const listNodeTypes = workflowPkg.listNodeTypes ?? workflowPkg.default!.listNodeTypes;

const now = Date.now();
const iso = (agoMs: number) => new Date(now - agoMs).toISOString();
const user = { id: 'u1', email: 'ada@example.com', createdAt: iso(86_400_000) };

const graph = {
  nodes: [
    {
      id: 'webhook_1',
      type: 'webhook',
      position: { x: 0, y: 0 },
      config: { method: 'POST', hmacSecret: 'a-very-secret-value-123' },
    },
    {
      id: 'fetch_user',
      type: 'http_request',
      name: 'Fetch user',
      position: { x: 300, y: 0 },
      config: { method: 'GET', url: 'https://api.example.com/users/{{ trigger.body.userId }}' },
    },
    {
      id: 'is_vip',
      type: 'if',
      name: 'Is VIP?',
      position: { x: 600, y: 0 },
      config: { condition: 'steps.fetch_user.body.tier = "vip"' },
    },
    {
      id: 'shape',
      type: 'transform',
      position: { x: 900, y: -90 },
      config: { expression: '{ "email": steps.fetch_user.body.email }' },
    },
    {
      id: 'reply',
      type: 'respond_to_webhook',
      position: { x: 900, y: 90 },
      config: { status: 200 },
    },
  ],
  edges: [
    { id: 'e1', source: 'webhook_1', sourceHandle: 'main', target: 'fetch_user' },
    { id: 'e2', source: 'fetch_user', sourceHandle: 'main', target: 'is_vip' },
    { id: 'e3', source: 'is_vip', sourceHandle: 'true', target: 'shape' },
    { id: 'e4', source: 'is_vip', sourceHandle: 'false', target: 'reply' },
  ],
};

const workflow = {
  id: 'wf1',
  name: 'New signup → CRM',
  description: null,
  graph,
  active: true,
  activeVersion: 2,
  latestVersion: 3,
  hookId: 'h_9f2c',
  hookPath: '/hooks/h_9f2c',
  createdAt: iso(3 * 86_400_000),
  updatedAt: iso(600_000),
  draftChangedSincePublish: true,
  validation: {
    ok: false,
    errors: [
      {
        nodeId: 'reply',
        path: 'nodes.4.config.body',
        message: 'body is required when responding with 200',
      },
    ],
  },
  lastExecution: { id: 'ex1', status: 'failed', at: iso(120_000) },
};

const step = (
  nodeId: string,
  type: string,
  status: string,
  extra: Record<string, unknown> = {},
) => ({
  nodeId,
  type,
  status,
  attempts: 1,
  maxAttempts: 1,
  input: { trigger: { body: { userId: 42 } } },
  output: null,
  error: null,
  startedAt: iso(120_000),
  finishedAt: iso(119_000),
  durationMs: 180,
  attemptLog: [{ attempt: 1, startedAt: iso(120_000), finishedAt: iso(119_800) }],
  ...extra,
});

const execution = {
  id: 'ex1',
  workflowId: 'wf1',
  ownerId: 'u1',
  version: null,
  mode: 'manual',
  status: 'failed',
  triggerPayload: { method: 'POST', headers: {}, query: {}, body: { userId: 42 } },
  error: { message: 'HTTP 503 from api.example.com after 3 attempts', nodeId: 'is_vip' },
  createdAt: iso(121_000),
  startedAt: iso(120_000),
  finishedAt: iso(110_000),
  durationMs: 10_000,
  graph,
  steps: [
    step('webhook_1', 'webhook', 'succeeded', {
      output: { method: 'POST', headers: {}, query: {}, body: { userId: 42 } },
      durationMs: 3,
    }),
    step('fetch_user', 'http_request', 'succeeded', {
      output: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { id: 42, email: 'ada@example.com', tier: 'vip' },
      },
      attempts: 2,
      maxAttempts: 3,
      attemptLog: [
        {
          attempt: 1,
          startedAt: iso(120_000),
          finishedAt: iso(119_000),
          error: 'HTTP 503 Service Unavailable',
        },
        { attempt: 2, startedAt: iso(118_000), finishedAt: iso(117_500) },
      ],
    }),
    step('is_vip', 'if', 'retrying', {
      attempts: 2,
      maxAttempts: 3,
      error: {
        message: 'expression {{ steps.fetch_user.body.tier = }}: unexpected end of expression',
        code: 'expression_error',
      },
    }),
    step('shape', 'transform', 'queued'),
    step('reply', 'respond_to_webhook', 'skipped'),
  ],
};

const executionsList = {
  items: [
    { ...execution, graph: undefined, steps: undefined, triggerPayload: undefined },
    {
      id: 'ex0',
      workflowId: 'wf1',
      ownerId: 'u1',
      version: 2,
      mode: 'webhook',
      status: 'succeeded',
      error: null,
      createdAt: iso(7_200_000),
      startedAt: iso(7_200_000),
      finishedAt: iso(7_199_000),
      durationMs: 812,
    },
    {
      id: 'ex2',
      workflowId: 'wf2',
      ownerId: 'u1',
      version: 1,
      mode: 'schedule',
      status: 'running',
      error: null,
      createdAt: iso(5_000),
      startedAt: iso(5_000),
      finishedAt: null,
      durationMs: null,
    },
  ],
  nextCursor: null,
};

const workflowsList = {
  items: [
    { ...workflow, graph: undefined },
    {
      ...workflow,
      id: 'wf2',
      name: 'Daily digest',
      active: false,
      activeVersion: null,
      latestVersion: 1,
      draftChangedSincePublish: false,
      validation: { ok: true, errors: [] },
      lastExecution: { id: 'ex2', status: 'running', at: iso(5_000) },
    },
    {
      ...workflow,
      id: 'wf3',
      name: 'Slack alert on failed payment',
      active: false,
      activeVersion: null,
      latestVersion: null,
      validation: { ok: true, errors: [] },
      lastExecution: null,
    },
  ],
  nextCursor: null,
};

async function mockApi(page: Page, signedIn: boolean) {
  await page.route('**/api/**', async (route: Route) => {
    const url = new URL(route.request().url());
    const p = url.pathname;
    const method = route.request().method();
    const json = (status: number, body: unknown) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (p === '/api/auth/refresh')
      return signedIn
        ? json(200, { user, accessToken: 'tok', expiresIn: 900 })
        : json(401, { error: { code: 'unauthorized', message: 'no session' } });
    if (p === '/api/node-types') return json(200, { items: listNodeTypes() });
    if (p === '/api/workflows' && method === 'GET') return json(200, workflowsList);
    if (p === '/api/workflows/wf1' && method === 'GET') return json(200, workflow);
    if (p === '/api/workflows/wf1' && method === 'PUT') return json(200, workflow);
    if (p === '/api/executions') return json(200, executionsList);
    if (p === '/api/executions/ex1') return json(200, execution);
    if (p === '/api/executions/ex1/stream')
      return json(404, { error: { code: 'not_found', message: 'x' } });
    if (p === '/api/auth/api-keys')
      return json(200, {
        items: [
          {
            id: 'k1',
            name: 'deploy script',
            prefix: 'fgk_3a9',
            createdAt: iso(86_400_000),
            lastUsedAt: iso(3_600_000),
          },
        ],
      });
    if (p === '/api/auth/google/config') return json(200, { enabled: true, fake: true });
    if (p === '/api/connections')
      return json(200, {
        items: [
          {
            id: '11111111-1111-4111-8111-111111111111',
            provider: 'google',
            name: 'alice@example.com',
            account: 'alice@example.com',
            status: 'healthy',
            statusReason: null,
            scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
            createdAt: iso(2 * 86_400_000),
            lastUsedAt: iso(300_000),
          },
          {
            id: '22222222-2222-4222-8222-222222222222',
            provider: 'slack',
            name: 'FlowGenie Test (T0FAKETEAM)',
            account: 'FlowGenie Test (T0FAKETEAM)',
            status: 'revoked',
            statusReason: 'token_revoked: the app was uninstalled from the workspace',
            scopes: ['chat:write'],
            createdAt: iso(86_400_000),
            lastUsedAt: iso(7_200_000),
          },
        ],
      });
    return json(404, { error: { code: 'not_found', message: `mock has no ${method} ${p}` } });
  });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const shots: Array<[string, string, boolean, ((page: Page) => Promise<void>)?]> = [
    ['signin', '/signin', false],
    ['workflows', '/workflows', true],
    [
      'editor',
      '/workflows/wf1',
      true,
      async (page) => {
        await page.getByTestId('node-shape').click();
        await page.getByRole('tab', { name: /Configure/ }).click();
        await page.getByRole('combobox', { name: /^Expression/ }).fill('');
        await page
          .getByRole('combobox', { name: /^Expression/ })
          .pressSequentially('{ "email": steps.fetch_user.body.em');
      },
    ],
    [
      'editor-url',
      '/workflows/wf1',
      true,
      async (page) => {
        await page.getByTestId('node-fetch_user').click();
        await page.getByRole('tab', { name: /Configure/ }).click();
        await page.getByRole('combobox', { name: /^URL/ }).fill('https://api.example.com/users/');
        await page.getByRole('combobox', { name: /^URL/ }).pressSequentially('{{');
      },
    ],
    [
      'editor-webhook',
      '/workflows/wf1',
      true,
      async (page) => {
        await page.getByTestId('node-webhook_1').click();
        await page.getByRole('tab', { name: /Configure/ }).click();
      },
    ],
    [
      'editor-run-data',
      '/workflows/wf1',
      true,
      async (page) => void (await page.getByTestId('node-fetch_user').click()),
    ],
    ['executions', '/executions', true],
    [
      'execution',
      '/executions/ex1',
      true,
      async (page) => void (await page.getByTestId('node-is_vip').click()),
    ],
    ['api-keys', '/account/api-keys', true],
    ['connections', '/connections', true],
  ];
  for (const [name, path, signedIn, act] of shots) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => console.error(`[${name}] page error:`, e.message));
    page.on(
      'console',
      (m) => m.type() === 'error' && console.error(`[${name}] console:`, m.text()),
    );
    await mockApi(page, signedIn);
    await page.goto(base + path);
    await page.waitForLoadState('networkidle');
    if (act) await act(page);
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${outDir}/${name}.png` });
    console.log(`${outDir}/${name}.png`);
    await page.close();
  }
} finally {
  await browser.close();
}
