import type { WorkflowGraph } from '@flowgenie/contracts';
import { aGraph, aWebhookGraph, startCatalog, type TestCatalog } from './helpers';

let catalog: TestCatalog;
let token: string;

beforeAll(async () => {
  catalog = await startCatalog('catalog_validation');
  ({ token } = await catalog.userToken());
});
afterAll(() => catalog.close());

const call = (method: string, path: string, body?: unknown) =>
  catalog.call(method, path, { token, body });
const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config,
});
const edge = (id: string, source: string, target: string, sourceHandle = 'main') => ({
  id,
  source,
  sourceHandle,
  target,
});

/** A broken graph of each class, and the problem publish must report (node and path). */
const cases: Array<[string, WorkflowGraph, { nodeId?: string; path: string; message: RegExp }]> = [
  [
    'two triggers',
    {
      nodes: [
        node('hook', 'webhook'),
        node('manual_start', 'manual'),
        node('shape', 'transform', { expression: '{{ trigger }}' }),
      ],
      edges: [edge('e1', 'hook', 'shape'), edge('e2', 'manual_start', 'shape')],
    },
    { nodeId: 'manual_start', path: 'nodes.1.type', message: /trigger/ },
  ],
  [
    'a cycle',
    {
      nodes: [
        node('start', 'manual'),
        node('a', 'transform', { expression: '{{ trigger }}' }),
        node('b', 'transform', { expression: '{{ trigger }}' }),
      ],
      edges: [edge('e1', 'start', 'a'), edge('e2', 'a', 'b'), edge('e3', 'b', 'a')],
    },
    { path: 'nodes.1', message: /cycle/ },
  ],
  [
    'an unknown node type',
    {
      nodes: [node('start', 'manual'), node('mystery', 'teleport')],
      edges: [edge('e1', 'start', 'mystery')],
    },
    { nodeId: 'mystery', path: 'nodes.1.type', message: /unknown node type/ },
  ],
  [
    'an edge to a node that does not exist',
    {
      nodes: [node('start', 'manual'), node('shape', 'transform', { expression: '{{ trigger }}' })],
      edges: [edge('e1', 'start', 'shape'), edge('e2', 'shape', 'ghost')],
    },
    { path: 'edges.1.target', message: /ghost/ },
  ],
  [
    'an edge from an output the node does not have',
    {
      nodes: [
        node('start', 'manual'),
        node('check', 'if', { condition: '{{ trigger.ok }}' }),
        node('shape', 'transform', { expression: '{{ trigger }}' }),
      ],
      edges: [edge('e1', 'start', 'check'), edge('e2', 'check', 'shape', 'maybe')],
    },
    { nodeId: 'check', path: 'edges.1.sourceHandle', message: /maybe/ },
  ],
  [
    'a bad config field',
    {
      nodes: [
        node('start', 'manual'),
        node('call', 'http_request', { method: 'GET', url: 'not a url' }),
      ],
      edges: [edge('e1', 'start', 'call')],
    },
    { nodeId: 'call', path: 'nodes.1.config.url', message: /URL/i },
  ],
  [
    'an expression reading a step that does not run before it',
    {
      nodes: [
        node('start', 'manual'),
        node('first', 'transform', { expression: '{{ steps.second.value }}' }),
        node('second', 'transform', { expression: '{{ trigger }}' }),
      ],
      edges: [edge('e1', 'start', 'first'), edge('e2', 'first', 'second')],
    },
    { nodeId: 'first', path: 'nodes.1.config.expression', message: /second/ },
  ],
  [
    'a {{ }} expression reading a step on another branch',
    {
      nodes: [
        node('start', 'manual'),
        node('check', 'if', { condition: '{{ trigger.ok }}' }),
        node('yes', 'transform', { expression: '{{ "yes" }}' }),
        node('no', 'http_request', { method: 'POST', url: 'https://example.com/{{ steps.yes }}' }),
      ],
      edges: [
        edge('e1', 'start', 'check'),
        edge('e2', 'check', 'yes', 'true'),
        edge('e3', 'check', 'no', 'false'),
      ],
    },
    { nodeId: 'no', path: 'nodes.3.config.url', message: /yes/ },
  ],
];

describe('located validation errors', () => {
  it.each(cases)(
    'saves a draft with %s, then refuses to publish it, locating the problem',
    async (_label, graph, expected) => {
      // Prepare: drafts may be incomplete, so saving works and shows the problem.
      const created = await call('POST', '/workflows', { name: `broken: ${_label}`, graph });
      expect(created.status).toBe(201);
      expect(created.body.validation.ok).toBe(false);
      const located = expect.objectContaining({
        ...expected,
        message: expect.stringMatching(expected.message),
      });
      expect(created.body.validation.errors).toContainEqual(located);

      // Act
      const res = await call('POST', `/workflows/${created.body.id}/publish`);

      // Assess: 400 with located details, and no version was made.
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toContainEqual(located);
      const after = await call('GET', `/workflows/${created.body.id}`);
      expect(after.body).toMatchObject({ latestVersion: null, draftChangedSincePublish: true });
      expect((await call('GET', `/workflows/${created.body.id}/versions`)).body.items).toEqual([]);
    },
  );

  it('reports every problem of a graph at once', async () => {
    const graph = aGraph();
    graph.nodes.push(node('mystery', 'teleport'), node('second_start', 'webhook'));
    graph.edges.push(edge('e9', 'shape', 'nowhere'));
    const created = await call('POST', '/workflows', { name: 'many problems', graph });
    const res = await call('POST', `/workflows/${created.body.id}/validate`);
    expect(res.body.ok).toBe(false);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['nodes.2.type', 'nodes.3.type', 'edges.1.target']),
    );
  });

  it('publishes once the draft is fixed', async () => {
    const broken = aWebhookGraph();
    broken.nodes[1].config = { method: 'GET', url: 'not a url' };
    const created = await call('POST', '/workflows', { name: 'fix me', graph: broken });
    expect((await call('POST', `/workflows/${created.body.id}/publish`)).status).toBe(400);
    const fixed = await call('PUT', `/workflows/${created.body.id}`, { graph: aWebhookGraph() });
    expect(fixed.body.validation).toEqual({ ok: true, errors: [] });
    expect((await call('POST', `/workflows/${created.body.id}/publish`)).body.version).toBe(1);
  });
});
