import { randomUUID } from 'node:crypto';
import { aGraph, aScheduleGraph, aWebhookGraph, startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let alice: { userId: string; token: string };
let bob: { userId: string; token: string };

beforeAll(async () => {
  catalog = await startCatalog('catalog_crud');
  alice = await catalog.userToken();
  bob = await catalog.userToken();
});
afterAll(() => catalog.close());

const asAlice = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: alice.token, body });
const create = async (body: Record<string, unknown>) => {
  const res = await asAlice('POST', '/workflows', body);
  expect(res.status).toBe(201);
  return res.body;
};

describe('authentication', () => {
  it('refuses requests without a valid access token', async () => {
    expect((await catalog.call('GET', '/workflows')).status).toBe(401);
    expect((await catalog.call('GET', '/workflows', { token: 'not-a-jwt' })).status).toBe(401);
    expect((await catalog.call('GET', '/node-types')).status).toBe(401);
  });
});

describe('scopes', () => {
  it('lets a read-only token (an API key with read scopes) read but not create, change or delete workflows', async () => {
    // Prepare: one workflow made with Alice's full session token
    const existing = await create({ name: 'Made by the session' });
    const readOnly = await catalog.scopedToken(alice.userId, 'workflows:read executions:read');
    const asReadOnly = (method: string, path: string, body?: unknown) =>
      catalog.call(method, path, { token: readOnly, body });
    // Act
    const created = await asReadOnly('POST', '/workflows', { name: 'Made by a read-only key' });
    const renamed = await asReadOnly('PUT', `/workflows/${existing.id}`, { name: 'Renamed' });
    const deleted = await asReadOnly('DELETE', `/workflows/${existing.id}`);
    // Assess
    for (const refused of [created, renamed, deleted]) {
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({
        code: 'insufficient_scope',
        message:
          'this access token lacks the "workflows:write" scope; use a session or an API key created with it',
      });
    }
    const list = await asReadOnly('GET', '/workflows');
    expect(list.status).toBe(200);
    expect(list.body.items.map((w: { name: string }) => w.name)).not.toContain(
      'Made by a read-only key',
    );
    expect((await asReadOnly('GET', `/workflows/${existing.id}`)).body.name).toBe(
      'Made by the session',
    );
    expect((await asReadOnly('GET', '/node-types')).status).toBe(200);
  });

  it('refuses a token with no scope claim at all', async () => {
    const bare = await catalog.scopedToken(alice.userId, '');
    expect((await catalog.call('GET', '/workflows', { token: bare })).status).toBe(403);
  });
});

describe('create, read, update, delete', () => {
  it('creates an empty draft with a hook id and shows its problems', async () => {
    const wf = await create({ name: 'Empty draft' });
    expect(wf).toMatchObject({
      name: 'Empty draft',
      description: '',
      graph: { nodes: [], edges: [] },
      active: false,
      activeVersion: null,
      latestVersion: null,
      draftChangedSincePublish: true,
      lastExecution: null,
      validation: { ok: false },
    });
    expect(wf.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(wf.hookId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(wf.hookPath).toBe(`/hooks/${wf.hookId}`);
    expect(wf.validation.errors[0].message).toMatch(/trigger/);
  });

  it('reads back what was created, with defaults of the graph shape applied', async () => {
    const graph = aGraph();
    delete (graph.edges[0] as { sourceHandle?: string }).sourceHandle;
    const created = await create({ name: 'Shape data', description: 'turns n into {n}', graph });
    const res = await asAlice('GET', `/workflows/${created.id}`);
    expect(res.status).toBe(200);
    // No execution service in this suite: a read cannot know the last run (a create knows there is none).
    expect(res.body).toEqual({ ...created, lastExecutionKnown: false });
    expect(res.body.graph.edges[0].sourceHandle).toBe('main');
    expect(res.body.validation).toEqual({ ok: true, errors: [] });
  });

  it('saves an incomplete draft and lists its problems in validation', async () => {
    const wf = await create({ name: 'Half done', graph: aGraph() });
    const draft = aGraph();
    draft.nodes.push({ id: 'call', type: 'http_request', position: { x: 480, y: 0 }, config: {} });
    draft.edges.push({ id: 'e2', source: 'shape', sourceHandle: 'main', target: 'call' });
    const res = await asAlice('PUT', `/workflows/${wf.id}`, { graph: draft });
    expect(res.status).toBe(200);
    expect(res.body.graph.nodes).toHaveLength(3);
    expect(res.body.validation.ok).toBe(false);
    expect(res.body.validation.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'call', path: 'nodes.2.config.url' }),
    );
    expect((await asAlice('GET', `/workflows/${wf.id}`)).body.graph.nodes).toHaveLength(3);
  });

  it('updates name and description alone, keeping the graph', async () => {
    const wf = await create({ name: 'Before', graph: aGraph() });
    const res = await asAlice('PUT', `/workflows/${wf.id}`, {
      name: '  After  ',
      description: 'new words',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'After', description: 'new words', graph: wf.graph });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(wf.updatedAt));
  });

  it('deletes a workflow: it is gone afterwards', async () => {
    const wf = await create({ name: 'Doomed' });
    expect((await asAlice('DELETE', `/workflows/${wf.id}`)).status).toBe(204);
    expect((await asAlice('GET', `/workflows/${wf.id}`)).status).toBe(404);
    expect((await asAlice('DELETE', `/workflows/${wf.id}`)).status).toBe(404);
  });

  it('answers 404 for ids that do not exist or are not ids', async () => {
    expect((await asAlice('GET', `/workflows/${randomUUID()}`)).status).toBe(404);
    expect((await asAlice('GET', '/workflows/not-an-id')).status).toBe(404);
  });
});

describe('bad input', () => {
  it.each([
    ['a missing name', {}, 'name'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name that is not text', { name: 42 }, 'name'],
    ['a graph without edges', { name: 'x', graph: { nodes: [] } }, 'graph.edges'],
    [
      'a node id that is not an identifier',
      { name: 'x', graph: { nodes: [{ id: 'no spaces', type: 'manual' }], edges: [] } },
      'graph.nodes.0.id',
    ],
    [
      'a node without a type',
      { name: 'x', graph: { nodes: [{ id: 'a' }], edges: [] } },
      'graph.nodes.0.type',
    ],
    [
      'an edge without a target',
      { name: 'x', graph: { nodes: [], edges: [{ id: 'e', source: 'a' }] } },
      'graph.edges.0.target',
    ],
  ])('refuses to create with %s, naming the field', async (_label, body, path) => {
    const before = (await asAlice('GET', '/workflows?limit=100')).body.items.length;
    const res = await asAlice('POST', '/workflows', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path }));
    expect((await asAlice('GET', '/workflows?limit=100')).body.items.length).toBe(before);
  });

  it('refuses malformed JSON', async () => {
    const res = await catalog.call('POST', '/workflows', {
      token: alice.token,
      rawBody: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('refuses a draft update whose graph is not a graph, and keeps the stored draft', async () => {
    const wf = await create({ name: 'Keep me', graph: aGraph() });
    const res = await asAlice('PUT', `/workflows/${wf.id}`, {
      name: 'Renamed',
      graph: { nodes: [{ id: 'start', type: 'manual', position: { x: 'left', y: 0 } }], edges: [] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'graph.nodes.0.position.x' }),
    );
    const after = (await asAlice('GET', `/workflows/${wf.id}`)).body;
    expect(after.name).toBe('Keep me');
    expect(after.graph).toEqual(wf.graph);
    expect(after.updatedAt).toBe(wf.updatedAt);
  });

  it('refuses a graph above the size limit (768 KiB), naming the field', async () => {
    const wf = await create({ name: 'Huge', graph: aGraph() });
    const graph = aGraph();
    graph.nodes[1].config = { expression: `"${'x'.repeat(19_000)}"` };
    // About 800 KB: over the graph limit, under the request body limit (1 MiB).
    graph.nodes.push(
      ...Array.from({ length: 40 }, (_, i) => ({
        id: `big${i}`,
        type: 'transform',
        position: { x: 0, y: 0 },
        config: { expression: `"${'y'.repeat(19_500)}"` },
      })),
    );
    const res = await asAlice('PUT', `/workflows/${wf.id}`, { graph });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'graph' })]);
    expect((await asAlice('GET', `/workflows/${wf.id}`)).body.graph).toEqual(wf.graph);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=101', 'limit'],
    ['active=yes', 'active'],
    ['cursor=garbage', 'cursor'],
  ])('refuses a list query with %s, naming the field', async (query, path) => {
    const res = await asAlice('GET', `/workflows?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path }));
  });

  it('refuses to activate a version that was never published, naming the field', async () => {
    const wf = await create({ name: 'One version', graph: aGraph() });
    expect((await asAlice('POST', `/workflows/${wf.id}/publish`)).status).toBe(201);
    const res = await asAlice('POST', `/workflows/${wf.id}/activate`, { version: 2 });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'version' })]);
    const bad = await asAlice('POST', `/workflows/${wf.id}/activate`, { version: 'latest' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'version' }));
    expect((await asAlice('GET', `/workflows/${wf.id}`)).body.active).toBe(false);
  });
});

describe('list', () => {
  let owner: { userId: string; token: string };
  const names = [
    'Invoice sync',
    'Slack digest',
    'invoice reminders',
    'CRM import',
    'Weekly INVOICE report',
    '100% done_ok',
  ];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    owner = await catalog.userToken();
    for (const name of names) {
      const res = await catalog.call('POST', '/workflows', {
        token: owner.token,
        body: { name, graph: aGraph() },
      });
      ids[name] = res.body.id;
    }
    // Two of them published and active.
    for (const name of ['Slack digest', 'Weekly INVOICE report']) {
      await catalog.call('POST', `/workflows/${ids[name]}/publish`, { token: owner.token });
      await catalog.call('POST', `/workflows/${ids[name]}/activate`, { token: owner.token });
    }
  });

  const list = (query: string) =>
    catalog.call('GET', `/workflows?${query}`, { token: owner.token });

  it('pages through every workflow exactly once, most recently changed first', async () => {
    const seen: Array<{ id: string; updatedAt: string }> = [];
    let cursor: string | null = '';
    let pages = 0;
    do {
      const res = await list(`limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen.map((w) => w.id).sort()).toEqual(Object.values(ids).sort());
    const times = seen.map((w) => Date.parse(w.updatedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('leaves the graph out of list items but keeps the rest of the workflow', async () => {
    const res = await list('limit=1');
    expect(res.body.items[0]).not.toHaveProperty('graph');
    expect(res.body.items[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        name: expect.any(String),
        hookPath: expect.any(String),
        validation: { ok: true, errors: [] },
      }),
    );
  });

  it('filters by a case-insensitive name substring', async () => {
    const res = await list('name=INVOICE');
    expect(res.body.items.map((w: { name: string }) => w.name).sort()).toEqual(
      ['Invoice sync', 'Weekly INVOICE report', 'invoice reminders'].sort(),
    );
  });

  it('matches % and _ literally in the name filter', async () => {
    expect(
      (await list(`name=${encodeURIComponent('100%')}`)).body.items.map(
        (w: { name: string }) => w.name,
      ),
    ).toEqual(['100% done_ok']);
    expect((await list('name=e_o')).body.items.map((w: { name: string }) => w.name)).toEqual([
      '100% done_ok',
    ]);
    expect((await list(`name=${encodeURIComponent('%')}`)).body.items).toHaveLength(1);
  });

  it('filters by active state, alone and with a name', async () => {
    const active = await list('active=true');
    expect(active.body.items.map((w: { name: string }) => w.name).sort()).toEqual([
      'Slack digest',
      'Weekly INVOICE report',
    ]);
    expect((await list('active=false')).body.items).toHaveLength(4);
    expect(
      (await list('active=true&name=invoice')).body.items.map((w: { name: string }) => w.name),
    ).toEqual(['Weekly INVOICE report']);
  });

  it('pages through a filtered list', async () => {
    const first = await list('name=invoice&limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await list(
      `name=invoice&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows nobody else the owner’s workflows', async () => {
    const stranger = await catalog.userToken();
    const res = await catalog.call('GET', '/workflows', { token: stranger.token });
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('publish and versions', () => {
  it('stores an immutable numbered version: editing the draft does not change version 1', async () => {
    const wf = await create({ name: 'Versioned', graph: aGraph() });
    const published = await asAlice('POST', `/workflows/${wf.id}/publish`);
    expect(published.status).toBe(201);
    expect(published.body).toEqual({ version: 1, createdAt: expect.any(String) });
    const afterPublish = (await asAlice('GET', `/workflows/${wf.id}`)).body;
    expect(afterPublish).toMatchObject({ latestVersion: 1, draftChangedSincePublish: false });

    const draft = aGraph();
    draft.nodes[1].config = { expression: '{{ { "doubled": trigger.n * 2 } }}' };
    const edited = await asAlice('PUT', `/workflows/${wf.id}`, { graph: draft });
    expect(edited.body.draftChangedSincePublish).toBe(true);

    const v1 = await asAlice('GET', `/workflows/${wf.id}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.graph).toEqual(wf.graph);
    expect(v1.body.version).toBe(1);

    // Editing back to the published graph is "no change since publish" again.
    expect(
      (await asAlice('PUT', `/workflows/${wf.id}`, { graph: aGraph() })).body
        .draftChangedSincePublish,
    ).toBe(false);
    await asAlice('PUT', `/workflows/${wf.id}`, { graph: draft });

    expect((await asAlice('POST', `/workflows/${wf.id}/publish`)).body.version).toBe(2);
    expect((await asAlice('GET', `/workflows/${wf.id}/versions/2`)).body.graph).toEqual(draft);
    expect((await asAlice('GET', `/workflows/${wf.id}/versions/1`)).body.graph).toEqual(wf.graph);
    const versions = await asAlice('GET', `/workflows/${wf.id}/versions`);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('refuses to rewrite a stored version even from inside the database', async () => {
    const wf = await create({ name: 'Frozen', graph: aGraph() });
    await asAlice('POST', `/workflows/${wf.id}/publish`);
    await expect(
      catalog.db
        .updateTable('workflow_versions')
        .set({ graph: JSON.stringify({ nodes: [], edges: [] }) })
        .where('workflow_id', '=', wf.id)
        .execute(),
    ).rejects.toThrow(/immutable/);
  });

  it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
    const wf = await create({ name: 'No versions', graph: aGraph() });
    expect((await asAlice('GET', `/workflows/${wf.id}/versions`)).body).toEqual({ items: [] });
    const missing = await asAlice('GET', `/workflows/${wf.id}/versions/3`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('version_not_found');
    const bad = await asAlice('GET', `/workflows/${wf.id}/versions/latest`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'version' }));
  });

  it('validates the draft on demand without saving anything', async () => {
    const wf = await create({
      name: 'Check me',
      graph: {
        nodes: [{ id: 'x', type: 'nope', position: { x: 0, y: 0 }, config: {} }],
        edges: [],
      },
    });
    const res = await asAlice('POST', `/workflows/${wf.id}/validate`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ nodeId: 'x', path: 'nodes.0.type' }),
    );
  });
});

describe('activation', () => {
  it('answers 409 nothing_published when activating a never-published workflow', async () => {
    const wf = await create({ name: 'Not yet', graph: aGraph() });
    const res = await asAlice('POST', `/workflows/${wf.id}/activate`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('nothing_published');
    expect((await asAlice('GET', `/workflows/${wf.id}`)).body.active).toBe(false);
  });

  it('activates the latest version by default, or the one asked for, and deactivates', async () => {
    const wf = await create({ name: 'Live', graph: aGraph() });
    await asAlice('POST', `/workflows/${wf.id}/publish`);
    await asAlice('POST', `/workflows/${wf.id}/publish`);
    const latest = await asAlice('POST', `/workflows/${wf.id}/activate`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ active: true, activeVersion: 2, latestVersion: 2 });
    const older = await asAlice('POST', `/workflows/${wf.id}/activate`, { version: 1 });
    expect(older.body).toMatchObject({ active: true, activeVersion: 1 });
    const off = await asAlice('POST', `/workflows/${wf.id}/deactivate`);
    expect(off.body).toMatchObject({ active: false, activeVersion: null, latestVersion: 2 });
  });
});

describe("another user's workflow", () => {
  let wfId: string;
  let original: Record<string, unknown>;

  beforeAll(async () => {
    const wf = await create({ name: 'Alice only', graph: aGraph() });
    wfId = wf.id;
    await asAlice('POST', `/workflows/${wfId}/publish`);
    original = (await asAlice('GET', `/workflows/${wfId}`)).body;
  });

  it.each([
    ['GET', ''],
    ['PUT', ''],
    ['DELETE', ''],
    ['POST', '/validate'],
    ['POST', '/publish'],
    ['GET', '/versions'],
    ['GET', '/versions/1'],
    ['GET', '/versions/1/diff'],
    ['POST', '/activate'],
    ['POST', '/deactivate'],
    ['POST', '/duplicate'],
    ['GET', '/export'],
    ['GET', '/schedule'],
  ])('answers 404 to %s %s and changes nothing', async (method, suffix) => {
    const res = await catalog.call(method, `/workflows/${wfId}${suffix}`, {
      token: bob.token,
      body: method === 'PUT' ? { name: 'Bob was here' } : undefined,
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await asAlice('GET', `/workflows/${wfId}`)).body).toEqual(original);
  });
});

describe('duplicate, export and import', () => {
  it('duplicates the draft into a new inactive workflow with a new hook id', async () => {
    const wf = await create({ name: 'Original', description: 'the first', graph: aWebhookGraph() });
    await asAlice('POST', `/workflows/${wf.id}/publish`);
    await asAlice('POST', `/workflows/${wf.id}/activate`);
    const res = await asAlice('POST', `/workflows/${wf.id}/duplicate`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Original (copy)',
      description: 'the first',
      graph: wf.graph,
      active: false,
      activeVersion: null,
      latestVersion: null,
      lastExecution: null,
    });
    expect(res.body.id).not.toBe(wf.id);
    expect(res.body.hookId).not.toBe(wf.hookId);
    expect((await asAlice('GET', `/workflows/${res.body.id}/versions`)).body.items).toEqual([]);
  });

  it('round-trips through export and import with new ids, keeping node and edge ids', async () => {
    const wf = await create({
      name: 'Portable',
      description: 'goes places',
      graph: aWebhookGraph(),
    });
    const exported = await asAlice('GET', `/workflows/${wf.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body).toEqual({
      format: 'flowgenie.workflow',
      formatVersion: 2,
      name: 'Portable',
      description: 'goes places',
      graph: wf.graph,
      secretsOmitted: [],
    });
    expect(JSON.stringify(exported.body)).not.toContain(wf.id);
    expect(JSON.stringify(exported.body)).not.toContain(wf.hookId);

    const imported = await catalog.call('POST', '/workflows/import', {
      token: bob.token,
      body: exported.body,
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      name: 'Portable',
      description: 'goes places',
      graph: wf.graph,
      active: false,
      latestVersion: null,
    });
    expect(imported.body.id).not.toBe(wf.id);
    expect(imported.body.hookId).not.toBe(wf.hookId);
    expect(imported.body.validation).toEqual({ ok: true, errors: [] });
    expect(
      (await catalog.call('GET', `/workflows/${imported.body.id}`, { token: bob.token })).status,
    ).toBe(200);
    expect((await asAlice('GET', `/workflows/${imported.body.id}`)).status).toBe(404);
  });

  it.each([
    [
      'a foreign format',
      { format: 'n8n', formatVersion: 1, name: 'x', graph: { nodes: [], edges: [] } },
      'format',
    ],
    [
      'a future format version',
      {
        format: 'flowgenie.workflow',
        formatVersion: 3,
        name: 'x',
        graph: { nodes: [], edges: [] },
      },
      'formatVersion',
    ],
    ['no graph', { format: 'flowgenie.workflow', formatVersion: 1, name: 'x' }, 'graph'],
  ])('refuses to import %s, naming the field', async (_label, body, path) => {
    const res = await asAlice('POST', '/workflows/import', body);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path }));
  });
});

describe('node types', () => {
  it('lists the registry with JSON Schemas for the config forms', async () => {
    const res = await asAlice('GET', '/node-types');
    expect(res.status).toBe(200);
    const types = res.body.items.map((t: { type: string }) => t.type);
    expect(types).toEqual(
      expect.arrayContaining(['webhook', 'schedule', 'manual', 'http_request', 'transform', 'if']),
    );
    const http = res.body.items.find((t: { type: string }) => t.type === 'http_request');
    expect(http).toMatchObject({
      version: 1,
      category: 'action',
      outputs: ['main'],
      configSchema: { type: 'object' },
    });
    expect(http.configSchema.properties).toHaveProperty('url');
    expect(res.body.items.find((t: { type: string }) => t.type === 'if').outputs).toEqual([
      'true',
      'false',
    ]);
  });
});

describe('schedule preview', () => {
  it('lists the next fire times of the schedule trigger in its time zone', async () => {
    const wf = await create({ name: 'Every minute', graph: aScheduleGraph('*/15 * * * *', 'UTC') });
    const res = await asAlice('GET', `/workflows/${wf.id}/schedule?count=3`);
    expect(res.status).toBe(200);
    const times = res.body.nextFireTimes.map((t: string) => Date.parse(t));
    expect(times).toHaveLength(3);
    expect(times[0]).toBeGreaterThan(Date.now() - 1000);
    expect(times[1] - times[0]).toBe(15 * 60_000);
    for (const t of res.body.nextFireTimes) expect(new Date(t).getUTCMinutes() % 15).toBe(0);
  });

  it('reads the cron in the trigger’s time zone and defaults to 5 times', async () => {
    const wf = await create({
      name: 'Paris mornings',
      graph: aScheduleGraph('0 9 * * *', 'Europe/Paris'),
    });
    const res = await asAlice('GET', `/workflows/${wf.id}/schedule`);
    expect(res.body.nextFireTimes).toHaveLength(5);
    for (const t of res.body.nextFireTimes) {
      const hour = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris',
        hour: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(t));
      expect(hour).toBe('09');
    }
  });

  it('answers 400 for a workflow whose trigger is not a schedule', async () => {
    const wf = await create({ name: 'Webhook', graph: aWebhookGraph() });
    const res = await asAlice('GET', `/workflows/${wf.id}/schedule`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('not_a_schedule');
  });

  it('answers 400 locating a broken cron', async () => {
    const wf = await create({ name: 'Broken cron', graph: aScheduleGraph('61 * * * *', 'UTC') });
    const res = await asAlice('GET', `/workflows/${wf.id}/schedule`);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ nodeId: 'tick', path: 'config.cron' }),
    ]);
  });

  it('refuses a count out of range, naming it', async () => {
    const wf = await create({ name: 'Count', graph: aScheduleGraph() });
    const res = await asAlice('GET', `/workflows/${wf.id}/schedule?count=500`);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'count' }));
  });
});

describe('internal run spec', () => {
  it('answers only to the internal service token: 401 without it or with a wrong one', async () => {
    const wf = await create({ name: 'Guarded', graph: aGraph() });
    const path = `/internal/workflows/${wf.id}/run-spec?ownerId=${alice.userId}&draft=true`;

    const without = await catalog.call('GET', path);
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('unauthorized');
    expect(without.body).not.toHaveProperty('graph');
    expect((await catalog.call('GET', path, { token: `${catalog.serviceToken}x` })).status).toBe(
      401,
    );
    // A user's own access token is no service token either.
    expect((await catalog.call('GET', path, { token: alice.token })).status).toBe(401);

    const withToken = await catalog.call('GET', path, { token: catalog.serviceToken });
    expect(withToken.status).toBe(200);
    expect(withToken.body).toMatchObject({ name: 'Guarded', version: null });
  });

  it('gives the draft for a test run, and the active, else latest, version otherwise', async () => {
    const wf = await create({ name: 'Runnable', graph: aGraph() });
    const spec = (query: string) =>
      catalog.call('GET', `/internal/workflows/${wf.id}/run-spec?${query}`, {
        token: catalog.serviceToken,
      });

    const none = await spec(`ownerId=${alice.userId}`);
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('nothing_published');
    expect((await spec(`ownerId=${alice.userId}&draft=true`)).body).toEqual({
      graph: wf.graph,
      version: null,
      name: 'Runnable',
    });

    await asAlice('POST', `/workflows/${wf.id}/publish`);
    const v2graph = aGraph();
    v2graph.nodes[1].config = { expression: '{{ trigger }}' };
    await asAlice('PUT', `/workflows/${wf.id}`, { graph: v2graph });
    await asAlice('POST', `/workflows/${wf.id}/publish`);
    expect((await spec(`ownerId=${alice.userId}`)).body).toEqual({
      graph: v2graph,
      version: 2,
      name: 'Runnable',
    });
    await asAlice('POST', `/workflows/${wf.id}/activate`, { version: 1 });
    expect((await spec(`ownerId=${alice.userId}&draft=false`)).body).toEqual({
      graph: wf.graph,
      version: 1,
      name: 'Runnable',
    });
  });

  it('refuses a test run of an invalid draft with located errors', async () => {
    const wf = await create({ name: 'Broken', graph: { nodes: [], edges: [] } });
    const res = await catalog.call(
      'GET',
      `/internal/workflows/${wf.id}/run-spec?ownerId=${alice.userId}&draft=true`,
      { token: catalog.serviceToken },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.length).toBeGreaterThan(0);
    expect(res.body.error.details).toContainEqual(
      expect.objectContaining({
        path: 'nodes',
        message: expect.stringContaining('exactly one trigger'),
      }),
    );
  });

  it('answers 404 when the owner does not match and 400 without an owner', async () => {
    const wf = await create({ name: 'Private', graph: aGraph() });
    expect(
      (
        await catalog.call(
          'GET',
          `/internal/workflows/${wf.id}/run-spec?ownerId=${bob.userId}&draft=true`,
          { token: catalog.serviceToken },
        )
      ).status,
    ).toBe(404);
    const missing = await catalog.call('GET', `/internal/workflows/${wf.id}/run-spec?draft=true`, {
      token: catalog.serviceToken,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toContainEqual(expect.objectContaining({ path: 'ownerId' }));
  });
});
