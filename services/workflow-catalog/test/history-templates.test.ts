import { aGraph, startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let alice: { userId: string; token: string };
let bob: { userId: string; token: string };

beforeAll(async () => {
  catalog = await startCatalog('catalog_history');
  alice = await catalog.userToken();
  bob = await catalog.userToken();
});
afterAll(() => catalog.close());

const asAlice = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: alice.token, body });
const asBob = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token: bob.token, body });

/** A workflow with v1 = aGraph(), v2 = a changed expression, an added step and a note. */
async function twoVersions() {
  const created = await asAlice('POST', '/workflows', { name: 'History', graph: aGraph() });
  const wf = created.body;
  expect((await asAlice('POST', `/workflows/${wf.id}/publish`)).status).toBe(201);
  const v2 = aGraph();
  v2.nodes[1].config = { expression: '{{ { "n": trigger.n * 2 } }}' };
  v2.nodes[0].position = { x: 50, y: 50 };
  v2.nodes.push({
    id: 'more',
    type: 'transform',
    position: { x: 480, y: 0 },
    config: { expression: '1' },
  });
  v2.edges.push({ id: 'e2', source: 'shape', sourceHandle: 'main', target: 'more' });
  v2.notes = [{ id: 'n1', text: 'doubles n', position: { x: 0, y: -120 } }];
  expect((await asAlice('PUT', `/workflows/${wf.id}`, { graph: v2 })).status).toBe(200);
  expect((await asAlice('POST', `/workflows/${wf.id}/publish`)).status).toBe(201);
  return { id: wf.id as string, v2 };
}

describe('version history', () => {
  it('lists who published each version, newest first', async () => {
    const { id } = await twoVersions();
    const res = await asAlice('GET', `/workflows/${id}/versions`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    for (const item of res.body.items) {
      // The test tokens carry no sign-in session (`sid`): the history says a key did it.
      expect(item.publishedBy).toBe(`${alice.userId.slice(0, 8)}@example.test (API key)`);
      expect(Date.parse(item.createdAt)).not.toBeNaN();
    }
  });

  it('diffs a version against another one and against the draft, ignoring moves', async () => {
    const { id, v2 } = await twoVersions();
    const res = await asAlice('GET', `/workflows/${id}/versions/1/diff?against=2`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: { version: 1 },
      to: { version: 2 },
      nodes: {
        added: [{ id: 'more', type: 'transform' }],
        removed: [],
        changed: [
          {
            id: 'shape',
            type: 'transform',
            changes: [
              {
                path: 'config.expression',
                before: '{{ { "n": trigger.n } }}',
                after: '{{ { "n": trigger.n * 2 } }}',
              },
            ],
          },
        ],
      },
      edges: { added: [{ source: 'shape', sourceHandle: 'main', target: 'more' }], removed: [] },
      notes: { added: 1, removed: 0, changed: 0 },
      same: false,
    });

    // The draft equals v2: no difference, default `against` is the draft.
    const draft = await asAlice('GET', `/workflows/${id}/versions/2/diff`);
    expect(draft.body).toMatchObject({ to: { version: null }, same: true });
    // Removing the added step in the draft shows as removed against v2.
    const back = { ...v2, nodes: v2.nodes.slice(0, 2), edges: v2.edges.slice(0, 1) };
    await asAlice('PUT', `/workflows/${id}`, { graph: back });
    const removed = await asAlice('GET', `/workflows/${id}/versions/2/diff?against=draft`);
    expect(removed.body.nodes.removed).toEqual([{ id: 'more', type: 'transform' }]);
    expect(removed.body.edges.removed).toHaveLength(1);
  });

  it.each([
    ['a version that does not exist', '/versions/9/diff', 404],
    ['an against version that does not exist', '/versions/1/diff?against=9', 404],
    ['a bad against', '/versions/1/diff?against=latest', 400],
    ['a bad version', '/versions/zero/diff', 400],
  ])('answers %s (%s) with %d', async (_label, suffix, status) => {
    const { id } = await twoVersions();
    const res = await asAlice('GET', `/workflows/${id}${suffix}`);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toEqual(expect.any(String));
  });

  it('activates an older version and announces that version with its graph', async () => {
    const { id } = await twoVersions();
    const res = await asAlice('POST', `/workflows/${id}/activate`, { version: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: true, activeVersion: 1, latestVersion: 2 });
    const rows = await catalog.db.selectFrom('outbox').selectAll().orderBy('created_at').execute();
    const activated = rows
      .filter((r) => r.type === 'workflow.activated')
      .map(
        (r) =>
          r.envelope as {
            data: { workflowId: string; version: number; graph: { nodes: { id: string }[] } };
          },
      )
      .filter((e) => e.data.workflowId === id);
    expect(activated.at(-1)?.data).toMatchObject({ version: 1 });
    expect(activated.at(-1)?.data.graph.nodes.map((n) => n.id)).toEqual(['start', 'shape']);
    expect((await asAlice('POST', `/workflows/${id}/activate`, { version: 3 })).status).toBe(400);
  });

  it("answers 404 to another user's history, diff and activation, changing nothing", async () => {
    const { id } = await twoVersions();
    expect((await asBob('GET', `/workflows/${id}/versions`)).status).toBe(404);
    expect((await asBob('GET', `/workflows/${id}/versions/1/diff`)).status).toBe(404);
    expect((await asBob('POST', `/workflows/${id}/activate`, { version: 1 })).status).toBe(404);
    expect((await asAlice('GET', `/workflows/${id}`)).body.active).toBe(false);
  });
});

describe('sticky notes', () => {
  it('keeps notes in the draft, in versions and in exports, without validating them as steps', async () => {
    const graph = {
      ...aGraph(),
      notes: [{ id: 'n1', text: 'Remember to ask Bob', position: { x: 10, y: 20 }, width: 200 }],
    };
    const wf = (await asAlice('POST', '/workflows', { name: 'Noted', graph })).body;
    expect(wf.graph.notes).toEqual(graph.notes);
    expect(wf.validation).toEqual({ ok: true, errors: [] });
    expect((await asAlice('POST', `/workflows/${wf.id}/publish`)).status).toBe(201);
    expect((await asAlice('GET', `/workflows/${wf.id}/versions/1`)).body.graph.notes).toEqual(
      graph.notes,
    );
    const exported = (await asAlice('GET', `/workflows/${wf.id}/export`)).body;
    expect(exported.graph.notes).toEqual(graph.notes);
    const imported = await asAlice('POST', '/workflows/import', exported);
    expect(imported.body.graph.notes).toEqual(graph.notes);
  });

  it('refuses a note that is not a note, naming it', async () => {
    const res = await asAlice('POST', '/workflows', {
      name: 'Bad note',
      graph: { ...aGraph(), notes: [{ id: 'n1', text: 'x'.repeat(5001) }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('graph.notes.0.text');
  });
});

describe('templates', () => {
  it('lists built-in templates whose steps are all known types', async () => {
    const res = await asAlice('GET', '/workflows/templates');
    expect(res.status).toBe(200);
    const ids = res.body.items.map((t: { id: string }) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(['webhook-transform-respond', 'schedule-http', 'gmail-slack']),
    );
    const types = new Set(
      (await asAlice('GET', '/node-types')).body.items.map((t: { type: string }) => t.type),
    );
    for (const t of res.body.items)
      for (const n of t.graph.nodes as { type: string }[]) expect(types.has(n.type)).toBe(true);
  });

  it('creates a draft from each template; only missing connections and channels need filling in', async () => {
    const templates = (await asAlice('GET', '/workflows/templates')).body.items;
    for (const t of templates as { id: string; name: string; graph: unknown }[]) {
      const res = await asAlice('POST', '/workflows/from-template', { templateId: t.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: t.name, active: false, latestVersion: null });
      expect(res.body.graph).toEqual(t.graph);
      const open = res.body.validation.errors.filter(
        (e: { path: string }) => !/config\.(connectionId|channel)$/.test(e.path),
      );
      expect({ template: t.id, open }).toEqual({ template: t.id, open: [] });
    }
    const named = await asAlice('POST', '/workflows/from-template', {
      templateId: 'schedule-http',
      name: 'Morning ping',
    });
    expect(named.body.name).toBe('Morning ping');
  });

  it('refuses an unknown template and a blank name, creating nothing', async () => {
    const before = (await asAlice('GET', '/workflows?limit=100')).body.items.length;
    const unknown = await asAlice('POST', '/workflows/from-template', { templateId: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('templateId');
    const blank = await asAlice('POST', '/workflows/from-template', {
      templateId: 'schedule-http',
      name: ' ',
    });
    expect(blank.status).toBe(400);
    expect((await asAlice('GET', '/workflows?limit=100')).body.items.length).toBe(before);
  });
});
