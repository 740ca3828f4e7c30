// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { autoLayout, fromApiGraph, kindFor, newNodeId, toApiGraph } from '.';

describe('workflow graph model (framework-free)', () => {
  it('round-trips the API graph and lays out graphs without positions', () => {
    const api = {
      nodes: [
        { id: 'a', type: 'manual', position: { x: 0, y: 0 }, config: {} },
        { id: 'b', type: 'if', position: { x: 0, y: 0 }, config: { condition: 'true' } },
        {
          id: 'c',
          type: 'transform',
          position: { x: 0, y: 0 },
          config: {},
          retry: { attempts: 3 },
          // Pinned sample data is kept with the draft (also a falsy pin).
          pinnedData: 0,
        },
      ],
      edges: [
        { id: 'e1', source: 'a', sourceHandle: 'main', target: 'b' },
        { id: 'e2', source: 'b', sourceHandle: 'false', target: 'c' },
      ],
    };
    const { nodes, edges } = fromApiGraph(api, (t) => kindFor(t));
    expect(nodes.map((n) => n.position.x)).toEqual([0, 300, 600]);
    const back = toApiGraph(nodes, edges);
    expect(back.edges).toEqual(api.edges);
    expect(back.nodes.map(({ position: _p, ...rest }) => rest)).toEqual(
      api.nodes.map(({ position: _p, ...rest }) => rest),
    );
  });

  it('keeps rows in order within a layer when re-laying out', () => {
    const nodes = [
      {
        id: 'r',
        type: 'trigger' as const,
        position: { x: 0, y: 0 },
        data: { nodeType: 'manual', config: {} },
      },
      {
        id: 'low',
        type: 'action' as const,
        position: { x: 999, y: 500 },
        data: { nodeType: 'delay', config: {} },
      },
      {
        id: 'high',
        type: 'action' as const,
        position: { x: 5, y: -500 },
        data: { nodeType: 'delay', config: {} },
      },
    ];
    const out = autoLayout(nodes, [
      { source: 'r', target: 'low' },
      { source: 'r', target: 'high' },
    ]);
    const pos = Object.fromEntries(out.map((n) => [n.id, n.position]));
    expect(pos.high.y).toBeLessThan(pos.low.y);
    expect(pos.high.x).toBe(300);
  });

  it('makes readable, unique, expression-safe ids', () => {
    expect(newNodeId('http_request', ['http_request_1'])).toBe('http_request_2');
    expect(newNodeId('9-lives', [])).toBe('n_9_lives_1');
  });
});
