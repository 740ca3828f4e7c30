import type { WorkflowGraph } from '@flowgenie/contracts';
import { pinnedHandle, testRunLayout } from './test-run';

const node = (id: string, type = 'transform', pinnedData?: unknown) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config: {},
  ...(pinnedData !== undefined ? { pinnedData } : {}),
});
/** start → a → b → c, and start → side. */
const graph = (pins: Record<string, unknown> = {}): WorkflowGraph => ({
  nodes: ['start', 'a', 'b', 'c', 'side'].map((id) =>
    node(id, id === 'start' ? 'manual' : 'transform', pins[id]),
  ),
  edges: [
    { id: 'e1', source: 'start', sourceHandle: 'main', target: 'a' },
    { id: 'e2', source: 'a', sourceHandle: 'main', target: 'b' },
    { id: 'e3', source: 'b', sourceHandle: 'main', target: 'c' },
    { id: 'e4', source: 'start', sourceHandle: 'main', target: 'side' },
  ],
});
const outputsOf = () => ['main'];

describe('testRunLayout', () => {
  it('seeds every pinned step but the trigger in a whole test run, and skips nothing', () => {
    const layout = testRunLayout(graph({ start: { x: 1 }, b: { n: 2 } }), 'start', {
      lastRun: new Map(),
      outputsOf,
    });
    expect([...layout.seeded]).toEqual([
      ['b', { output: { n: 2 }, handle: 'main', source: 'pinned' }],
    ]);
    expect(layout.skipped).toEqual([]);
  });

  it('runs one step: ancestors from pins before the last run, everything else skipped', () => {
    const layout = testRunLayout(graph({ a: { pinned: true } }), 'start', {
      runNode: 'c',
      lastRun: new Map([
        ['a', { output: { old: true }, handle: 'main' }],
        ['b', { output: { n: 5 }, handle: 'main' }],
      ]),
      outputsOf,
    });
    expect(layout.seeded.get('a')).toMatchObject({ output: { pinned: true }, source: 'pinned' });
    expect(layout.seeded.get('b')).toMatchObject({ output: { n: 5 }, source: 'last_run' });
    expect(layout.skipped).toEqual(['side']);
    expect(layout.problem).toBeUndefined();
  });

  it('names the input without data when the step cannot run', () => {
    const g = graph();
    g.nodes[2] = { ...g.nodes[2], name: 'Sum' };
    const layout = testRunLayout(g, 'start', { runNode: 'c', lastRun: new Map(), outputsOf });
    expect(layout.problem).toEqual({
      nodeId: 'c',
      missing: 'b',
      message:
        'the step before this one ("Sum") has no data yet: run the workflow (or that step) first, or pin data on it',
    });
  });

  it('lets a step right after the trigger run on the trigger alone', () => {
    const layout = testRunLayout(graph(), 'start', { runNode: 'a', lastRun: new Map(), outputsOf });
    expect(layout.problem).toBeUndefined();
    expect(layout.skipped.sort()).toEqual(['b', 'c', 'side']);
  });
});

describe('pinnedHandle', () => {
  it('leaves an If on the branch its pinned result names, other steps on main', () => {
    expect(pinnedHandle(['main'], { result: false })).toBe('main');
    expect(pinnedHandle(['true', 'false'], { result: false })).toBe('false');
    expect(pinnedHandle(['true', 'false'], { other: 1 })).toBe('true');
  });
});
