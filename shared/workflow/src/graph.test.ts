import { findCycle, predecessors, successors, topologicalOrder, upstreamOf } from './graph';
import { triggerNode } from './registry';

const graph = {
  nodes: [
    { id: 'join', type: 'transform' },
    { id: 'check', type: 'if' },
    { id: 'start', type: 'manual' },
    { id: 'yes', type: 'transform' },
    { id: 'no', type: 'transform' },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'check' },
    { id: 'e2', source: 'check', sourceHandle: 'true', target: 'yes' },
    { id: 'e3', source: 'check', sourceHandle: 'false', target: 'no' },
    { id: 'e4', source: 'yes', target: 'join' },
    { id: 'e5', source: 'no', target: 'join' },
  ],
};

describe('graph helpers', () => {
  it('finds the trigger node', () => {
    expect(triggerNode(graph)?.id).toBe('start');
    expect(triggerNode({ nodes: [{ id: 'a', type: 'transform' }], edges: [] })).toBeUndefined();
  });

  it('orders nodes so every edge goes forward', () => {
    expect(topologicalOrder(graph)).toEqual(['start', 'check', 'yes', 'no', 'join']);
  });

  it('throws on a cycle, naming it', () => {
    const cyclic = {
      ...graph,
      edges: [...graph.edges, { id: 'e6', source: 'join', target: 'check' }],
    };
    expect(() => topologicalOrder(cyclic)).toThrow(
      'workflow graph has a cycle: join → check → yes → join',
    );
    expect(findCycle(graph)).toBeUndefined();
  });

  it('gives the successors on one output handle', () => {
    expect(successors(graph, 'check', 'true')).toEqual(['yes']);
    expect(successors(graph, 'check', 'false')).toEqual(['no']);
    expect(successors(graph, 'start', 'main')).toEqual(['check']);
    expect(successors(graph, 'join', 'main')).toEqual([]);
  });

  it('gives predecessors and all upstream nodes', () => {
    expect(predecessors(graph, 'join')).toEqual(['yes', 'no']);
    expect(upstreamOf(graph, 'join').sort()).toEqual(['check', 'no', 'start', 'yes']);
    expect(upstreamOf(graph, 'yes').sort()).toEqual(['check', 'start']);
    expect(upstreamOf(graph, 'start')).toEqual([]);
  });
});
