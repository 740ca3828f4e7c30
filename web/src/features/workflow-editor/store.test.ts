// @vitest-environment node
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { kindFor } from '../../lib/graph';
import { COALESCE_MS, useEditorStore } from './store';

const kindOf = (t: string) => kindFor(t);
const store = () => useEditorStore.getState();

const graph: WorkflowGraph = {
  nodes: [
    { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: { method: 'POST' } },
    {
      id: 'check',
      type: 'if',
      position: { x: 300, y: 0 },
      config: { condition: '{{ trigger.body.ok }}' },
    },
    {
      id: 'fetch',
      type: 'http_request',
      name: 'Fetch user',
      position: { x: 600, y: -60 },
      config: { url: 'https://x.test/{{ trigger.body.id }}' },
    },
  ],
  edges: [
    { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'check' },
    { id: 'e2', source: 'check', sourceHandle: 'true', target: 'fetch' },
  ],
};

function load(g: WorkflowGraph = graph) {
  store().load('wf1', 'My flow', g, kindOf);
}

describe('editor store', () => {
  beforeEach(() => {
    store().reset();
    load();
  });

  it('loads the API graph as trigger, branch and action nodes with labelled branch edges', () => {
    // Prepare (beforeEach) / Act
    const { nodes, edges } = store();
    // Assess
    expect(nodes.map((n) => [n.id, n.type])).toEqual([
      ['hook', 'trigger'],
      ['check', 'branch'],
      ['fetch', 'action'],
    ]);
    expect(edges.find((e) => e.id === 'e2')).toMatchObject({ sourceHandle: 'true', label: 'true' });
    expect(store().toGraph()).toEqual(graph);
    expect(store().revision).toBe(0);
  });

  it('adds a node after the selected one, connected from its first free output', () => {
    store().select('check');
    const id = store().addNode('transform', 'action', {
      after: { nodeId: 'check', handle: 'false' },
    });
    expect(id).toBe('transform_1');
    expect(store().edges).toContainEqual(
      expect.objectContaining({
        source: 'check',
        sourceHandle: 'false',
        target: 'transform_1',
        label: 'false',
      }),
    );
    expect(store().selectedNodeId).toBe('transform_1');
    expect(store().saveState).toBe('unsaved');
  });

  it('refuses connections into a trigger, to itself, duplicates and cycles', () => {
    const c = (source: string, target: string, sourceHandle = 'main') => ({
      source,
      target,
      sourceHandle,
      targetHandle: null,
    });
    expect(store().isValidConnection(c('fetch', 'hook'))).toBe(false);
    expect(store().isValidConnection(c('fetch', 'fetch'))).toBe(false);
    expect(store().isValidConnection(c('check', 'fetch', 'true'))).toBe(false);
    expect(store().isValidConnection(c('fetch', 'check'))).toBe(false);
    expect(store().isValidConnection(c('check', 'fetch', 'false'))).toBe(true);

    store().onConnect(c('fetch', 'check'));
    expect(store().edges).toHaveLength(2);
    store().onConnect(c('check', 'fetch', 'false'));
    expect(store().edges).toHaveLength(3);
  });

  it('deletes the selection with the edges that touch it, in one undo step', () => {
    store().select('check');
    store().deleteSelection();
    expect(store().nodes.map((n) => n.id)).toEqual(['hook', 'fetch']);
    expect(store().edges).toEqual([]);

    store().undo();
    expect(store().nodes.map((n) => n.id)).toEqual(['hook', 'check', 'fetch']);
    expect(store().edges.map((e) => e.id)).toEqual(['e1', 'e2']);

    store().redo();
    expect(store().nodes.map((n) => n.id)).toEqual(['hook', 'fetch']);
    expect(store().edges).toEqual([]);
  });

  it('undoes and redoes a sequence of edits in order, and a new edit clears redo', () => {
    store().addNode('delay', 'action');
    store().updateConfig('delay_1', { ms: 500 });
    store().onConnect({
      source: 'fetch',
      target: 'delay_1',
      sourceHandle: 'main',
      targetHandle: null,
    });

    store().undo();
    expect(store().edges.some((e) => e.target === 'delay_1')).toBe(false);
    store().undo();
    expect(store().nodes.find((n) => n.id === 'delay_1')?.data.config).toEqual({});
    store().undo();
    expect(store().nodes.some((n) => n.id === 'delay_1')).toBe(false);
    store().undo(); // nothing left: stays put
    expect(store().nodes).toHaveLength(3);

    store().redo();
    store().redo();
    expect(store().nodes.find((n) => n.id === 'delay_1')?.data.config).toEqual({ ms: 500 });

    store().setName('renamed'); // not a graph edit: redo survives
    store().tidy();
    expect(store().future).toHaveLength(0);
  });

  it('treats typing in one field as a single undo step', () => {
    vi.useFakeTimers();
    try {
      const before = store().past.length;
      for (const url of ['h', 'ht', 'htt', 'http']) {
        store().updateConfig('fetch', { url }, 'url');
        vi.advanceTimersByTime(100);
      }
      expect(store().past.length).toBe(before + 1);
      vi.advanceTimersByTime(COALESCE_MS + 10);
      store().updateConfig('fetch', { url: 'https://later' }, 'url');
      expect(store().past.length).toBe(before + 2);

      store().undo();
      expect(store().nodes.find((n) => n.id === 'fetch')?.data.config).toEqual({ url: 'http' });
      store().undo();
      expect(store().nodes.find((n) => n.id === 'fetch')?.data.config).toEqual(
        graph.nodes[2].config,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('records a drag as one undo step and saves only when it ends', () => {
    const rev = store().revision;
    store().onNodesChange([
      { type: 'position', id: 'fetch', position: { x: 610, y: -60 }, dragging: true },
    ]);
    store().onNodesChange([
      { type: 'position', id: 'fetch', position: { x: 650, y: -40 }, dragging: true },
    ]);
    expect(store().revision).toBe(rev);
    store().onNodesChange([
      { type: 'position', id: 'fetch', position: { x: 700, y: -20 }, dragging: false },
    ]);
    expect(store().revision).toBe(rev + 1);
    expect(store().nodes.find((n) => n.id === 'fetch')?.position).toEqual({ x: 700, y: -20 });

    store().undo();
    expect(store().nodes.find((n) => n.id === 'fetch')?.position).toEqual({ x: 600, y: -60 });
  });

  it('does not treat selection as an edit', () => {
    const rev = store().revision;
    store().onNodesChange([{ type: 'select', id: 'fetch', selected: true }]);
    expect(store().selectedNodeId).toBe('fetch');
    expect(store().revision).toBe(rev);
    expect(store().past).toHaveLength(0);
  });

  it('pastes copies with fresh ids, internal edges and rewritten step references', () => {
    store().updateConfig('fetch', { url: 'https://x.test/{{ steps.check.result }}' });
    store().onNodesChange([
      { type: 'select', id: 'check', selected: true },
      { type: 'select', id: 'fetch', selected: true },
    ]);
    expect(store().copySelection()).toBe(2);
    expect(store().paste()).toBe(2);

    const ids = store().nodes.map((n) => n.id);
    expect(ids).toEqual(['hook', 'check', 'fetch', 'if_1', 'http_request_1']);
    const pasted = store().nodes.find((n) => n.id === 'http_request_1');
    expect(pasted?.data.config).toEqual({ url: 'https://x.test/{{ steps.if_1.result }}' });
    expect(pasted?.position).toEqual({ x: 640, y: -20 });
    expect(store().edges).toContainEqual(
      expect.objectContaining({ source: 'if_1', sourceHandle: 'true', target: 'http_request_1' }),
    );
    expect(
      store()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['if_1', 'http_request_1']);

    store().undo();
    expect(store().nodes).toHaveLength(3);
  });

  it('renames a node id and rewrites edges and expressions that use it', () => {
    store().updateConfig('fetch', {
      url: '{{ steps.check.result }}',
      note: '{{ steps.checker.x }}',
    });
    expect(store().renameNodeId('check', 'has ok')).toMatch(/letters, digits/);
    expect(store().renameNodeId('check', 'fetch')).toMatch(/already/);
    expect(store().renameNodeId('check', 'is_ok')).toBeNull();

    expect(store().edges.map((e) => [e.source, e.target])).toEqual([
      ['hook', 'is_ok'],
      ['is_ok', 'fetch'],
    ]);
    expect(store().nodes.find((n) => n.id === 'fetch')?.data.config).toEqual({
      url: '{{ steps.is_ok.result }}',
      note: '{{ steps.checker.x }}',
    });
  });

  it('places validation errors on nodes and fields', () => {
    store().setValidation([
      { nodeId: 'fetch', path: 'nodes.2.config.url', message: 'must be a URL' },
      { path: 'nodes.1.config.condition', message: 'must not be empty' },
      { path: 'nodes', message: 'a workflow needs exactly one trigger' },
    ]);
    expect(store().validation.byNode).toEqual({
      fetch: [{ field: 'url', message: 'must be a URL' }],
      check: [{ field: 'condition', message: 'must not be empty' }],
    });
    expect(store().validation.general).toEqual(['nodes: a workflow needs exactly one trigger']);
  });

  it('keeps 200 nodes responsive to edits (no full rebuild per change)', () => {
    const big: WorkflowGraph = {
      nodes: Array.from({ length: 200 }, (_, i) => ({
        id: `n${i}`,
        type: i === 0 ? 'manual' : 'transform',
        position: { x: i * 10, y: 0 },
        config: {},
      })),
      edges: Array.from({ length: 199 }, (_, i) => ({
        id: `e${i}`,
        source: `n${i}`,
        sourceHandle: 'main',
        target: `n${i + 1}`,
      })),
    };
    load(big);
    const before = store().nodes;
    store().updateConfig('n100', { expression: '{{ 1 }}' });
    const after = store().nodes;
    const changed = after.filter((n, i) => n !== before[i]).map((n) => n.id);
    expect(changed).toEqual(['n100']);
  });
});

describe('sticky notes in the editor store', () => {
  beforeEach(() => {
    store().reset();
    load({ ...graph, notes: [{ id: 'note-1', text: 'why', position: { x: 5, y: 6 } }] });
  });

  it('loads notes apart from the steps and saves them with the graph', () => {
    expect(store().nodes.map((n) => n.id)).toEqual(['hook', 'check', 'fetch']);
    expect(store().notes.map((n) => [n.id, n.data.text])).toEqual([['note-1', 'why']]);
    expect(store().toGraph().notes).toEqual([
      { id: 'note-1', text: 'why', position: { x: 5, y: 6 } },
    ]);
  });

  it('adds, edits and deletes notes as undoable changes that mark the draft unsaved', () => {
    const id = store().addNote({ x: 10.4, y: 20 });
    expect(id).toBe('note-2');
    expect(store().lastAddedId).toBe('note-2');
    store().setNoteText(id, 'second');
    expect(store().saveState).toBe('unsaved');
    expect(store().toGraph().notes?.[1]).toEqual({
      id: 'note-2',
      text: 'second',
      position: { x: 10, y: 20 },
    });
    store().onNodesChange([{ type: 'select', id: 'note-1', selected: true }]);
    expect(store().selectedNodeId).toBeNull();
    store().deleteSelection();
    expect(store().notes.map((n) => n.id)).toEqual(['note-2']);
    expect(store().nodes).toHaveLength(3);
    store().undo();
    expect(store().notes.map((n) => n.id)).toEqual(['note-1', 'note-2']);
  });

  it('saves a resized note with its size, as one undo step', () => {
    const resize = (width: number, height: number, resizing: boolean) =>
      store().onNodesChange([
        resizing
          ? {
              type: 'dimensions',
              id: 'note-1',
              resizing,
              setAttributes: true,
              dimensions: { width, height },
            }
          : { type: 'dimensions', id: 'note-1', resizing, dimensions: { width, height } },
      ]);
    const revision = store().revision;
    resize(250, 120, true);
    resize(320.4, 180.6, true);
    expect(store().revision).toBe(revision); // not saved while the pointer is down
    resize(320.4, 180.6, false);
    expect(store().saveState).toBe('unsaved');
    expect(store().toGraph().notes).toEqual([
      { id: 'note-1', text: 'why', position: { x: 5, y: 6 }, width: 320, height: 181 },
    ]);

    // Loaded again at that size; a measurement (no `resizing`) is not a change to save.
    load(store().toGraph());
    expect(store().notes[0]).toMatchObject({ width: 320, height: 181 });
    store().onNodesChange([
      { type: 'dimensions', id: 'note-1', dimensions: { width: 320, height: 181 } },
    ]);
    expect(store().saveState).toBe('saved');

    resize(400, 200, true);
    resize(400, 200, false);
    store().undo();
    expect(store().toGraph().notes?.[0]).toMatchObject({ width: 320, height: 181 });
  });

  it('leaves `notes` out of a graph without any', () => {
    store().reset();
    load();
    expect('notes' in store().toGraph()).toBe(false);
  });
});
