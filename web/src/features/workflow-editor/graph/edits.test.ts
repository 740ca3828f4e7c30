// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { fromApiGraph, kindFor, LAYER_GAP, ROW_GAP } from '../../../lib/graph';
import {
  addNode,
  canConnect,
  connectionProblem,
  connect,
  copySelection,
  paste,
  patchNodeData,
  removeNode,
  removeSelection,
  renameNode,
  selectOnly,
  setConfig,
  singleSelected,
  tidy,
  type EditorGraph,
} from './edits';

/** webhook → if (true) → fetch, laid out at x 0 / 300 / 600. */
function sample(): EditorGraph {
  return fromApiGraph(
    {
      nodes: [
        { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
        { id: 'check', type: 'if', position: { x: 300, y: 0 }, config: { condition: 'true' } },
        {
          id: 'fetch',
          type: 'http_request',
          position: { x: 600, y: 0 },
          config: { url: '{{ steps.check.result }}' },
        },
      ],
      edges: [
        { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'check' },
        { id: 'e2', source: 'check', sourceHandle: 'true', target: 'fetch' },
      ],
    },
    (t) => kindFor(t),
  );
}

const ids = (g: EditorGraph) => g.nodes.map((n) => n.id);
const links = (g: EditorGraph) => g.edges.map((e) => `${e.source}:${e.sourceHandle}->${e.target}`);

describe('graph edits (framework-free)', () => {
  it('connects two nodes once, and refuses triggers, loops, duplicates and cycles', () => {
    const g = sample();
    const c = (source: string, target: string, sourceHandle = 'main') => ({
      source,
      target,
      sourceHandle,
    });
    expect(canConnect(g, c('fetch', 'hook'))).toBe(false);
    expect(canConnect(g, c('fetch', 'fetch'))).toBe(false);
    expect(canConnect(g, c('check', 'fetch', 'true'))).toBe(false);
    expect(canConnect(g, c('fetch', 'check'))).toBe(false);
    expect(connect(g, c('fetch', 'check'))).toBeNull();
    // each refusal says why, in words shown while dragging
    expect(connectionProblem(g, c('fetch', 'check'))).toBe(
      'Not connected: “check” already runs before “fetch”, so this would make a loop. Workflows cannot loop back.',
    );
    expect(connectionProblem(g, c('fetch', 'hook'))).toMatch(/is the trigger/);
    expect(connectionProblem(g, c('fetch', 'fetch'))).toBe('“fetch” cannot connect to itself.');
    expect(connectionProblem(g, c('check', 'fetch', 'true'))).toMatch(/already connected/);
    expect(connectionProblem(g, c('check', 'fetch', 'false'))).toBeNull();

    const next = connect(g, c('check', 'fetch', 'false'));
    expect(next && links(next)).toEqual([
      'hook:main->check',
      'check:true->fetch',
      'check:false->fetch',
    ]);
    expect(next?.edges[2]).toMatchObject({ id: 'check:false->fetch', label: 'false' });
    expect(links(g)).toHaveLength(2); // the input graph is left as it was
  });

  it('adds a node after another, below its other successors, connected and selected alone', () => {
    const { graph, id } = addNode(selectOnly(sample(), 'check'), 'transform', 'action', {
      after: { nodeId: 'check', handle: 'false' },
    });
    expect(id).toBe('transform_1');
    const added = graph.nodes.find((n) => n.id === id);
    expect(added).toMatchObject({ type: 'action', selected: true, position: { x: 600, y: 130 } });
    expect(added?.data).toEqual({ nodeType: 'transform', config: {} });
    expect(singleSelected(graph.nodes)).toBe(id);
    expect(links(graph)).toContain('check:false->transform_1');
  });

  it('adds a node right of the rightmost one when no place is given, and never wires a trigger', () => {
    const { graph } = addNode(sample(), 'manual', 'trigger', {
      after: { nodeId: 'fetch', handle: 'main' },
    });
    expect(graph.edges).toHaveLength(2);
    const plain = addNode(sample(), 'delay', 'action');
    expect(plain.graph.nodes.at(-1)?.position).toEqual({ x: 900, y: 0 });
  });

  it('changes one node’s config or data and keeps every other node the same object', () => {
    const g = sample();
    const next = setConfig(g, 'fetch', { url: 'https://x.test' });
    expect(next.nodes[2].data.config).toEqual({ url: 'https://x.test' });
    expect(next.nodes[0]).toBe(g.nodes[0]);
    expect(next.nodes[1]).toBe(g.nodes[1]);

    const named = patchNodeData(g, 'fetch', { name: 'Fetch', retry: { attempts: 2 } });
    expect(named.nodes[2].data).toMatchObject({ name: 'Fetch', retry: { attempts: 2 } });
    const cleared = patchNodeData(named, 'fetch', { name: '', retry: undefined });
    expect(cleared.nodes[2].data).not.toHaveProperty('name');
    expect(cleared.nodes[2].data).not.toHaveProperty('retry');
  });

  it('renames a node: edges follow and step references are rewritten; bad names are refused', () => {
    const g = sample();
    expect(renameNode(g, 'check', 'has ok')).toEqual({
      error: expect.stringMatching(/letters, digits/),
    });
    expect(renameNode(g, 'check', 'fetch')).toEqual({ error: expect.stringMatching(/already/) });

    const result = renameNode(g, 'check', 'is_ok');
    if ('error' in result) throw new Error(result.error);
    expect(ids(result.graph)).toEqual(['hook', 'is_ok', 'fetch']);
    expect(links(result.graph)).toEqual(['hook:main->is_ok', 'is_ok:true->fetch']);
    expect(result.graph.edges[1].id).toBe('is_ok:true->fetch');
    expect(result.graph.nodes[2].data.config).toEqual({ url: '{{ steps.is_ok.result }}' });
  });

  it('removes a node or the selection together with the edges that touch them', () => {
    expect(links(removeNode(sample(), 'check'))).toEqual([]);
    expect(removeSelection(sample())).toBeNull();

    const g = selectOnly(sample(), 'fetch');
    const next = removeSelection(g);
    expect(next && ids(next)).toEqual(['hook', 'check']);
    expect(next && links(next)).toEqual(['hook:main->check']);
  });

  it('copies the selection and pastes it with fresh ids, inner edges and offset positions', () => {
    let g = sample();
    g = { ...g, nodes: g.nodes.map((n) => ({ ...n, selected: n.id !== 'hook' })) };
    const clip = copySelection(g);
    expect(clip && ids(clip)).toEqual(['check', 'fetch']);
    expect(clip && links(clip)).toEqual(['check:true->fetch']);
    if (!clip) return;

    const first = paste(g, clip, 0);
    expect(first.pasted).toEqual(['if_1', 'http_request_1']);
    const copy = first.graph.nodes.find((n) => n.id === 'http_request_1');
    expect(copy?.position).toEqual({ x: 640, y: 40 });
    expect(copy?.data.config).toEqual({ url: '{{ steps.if_1.result }}' });
    expect(links(first.graph)).toContain('if_1:true->http_request_1');
    expect(first.graph.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(first.pasted);

    const second = paste(first.graph, clip, 1);
    expect(second.pasted).toEqual(['if_2', 'http_request_2']);
    expect(second.graph.nodes.find((n) => n.id === 'http_request_2')?.position).toEqual({
      x: 680,
      y: 80,
    });
    // the clipboard is a copy: editing the pasted config does not change the original
    expect(g.nodes[2].data.config).toEqual({ url: '{{ steps.check.result }}' });
  });

  it('tidies nodes into layers left to right', () => {
    const g = sample();
    const scattered = {
      ...g,
      nodes: g.nodes.map((n, i) => ({ ...n, position: { x: -i * 50, y: i * 70 } })),
    };
    expect(tidy(scattered).nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 300, y: 0 },
      { x: 600, y: 0 },
    ]);
  });
});

describe('placing a step after a branch', () => {
  const branching: EditorGraph = {
    nodes: [
      {
        id: 'check',
        type: 'branch',
        position: { x: 0, y: 0 },
        data: { nodeType: 'if', config: {} },
      },
    ],
    edges: [],
  };
  const outputs = ['true', 'false'];

  it('gives each output its own row (true above false) whichever is added first', () => {
    const f = addNode(branching, 'transform', 'action', {
      after: { nodeId: 'check', handle: 'false', outputs },
    });
    const t = addNode(f.graph, 'transform', 'action', {
      after: { nodeId: 'check', handle: 'true', outputs },
    });
    const pos = (g: EditorGraph, id: string) => g.nodes.find((n) => n.id === id)!.position;
    expect(pos(t.graph, f.id)).toEqual({ x: LAYER_GAP, y: ROW_GAP / 2 });
    expect(pos(t.graph, t.id)).toEqual({ x: LAYER_GAP, y: -ROW_GAP / 2 });
    expect(t.graph.edges.map((e) => `${e.sourceHandle}->${e.target}`)).toEqual([
      `false->${f.id}`,
      `true->${t.id}`,
    ]);
  });
});
