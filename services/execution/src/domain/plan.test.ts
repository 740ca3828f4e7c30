import type { WorkflowGraph } from '@flowgenie/contracts';
import type { StepStatus } from './execution';
import {
  descendantsOf,
  graphProblem,
  lastOutput,
  planNext,
  retryPlan,
  type StepState,
} from './plan';

const node = (id: string, type = 'transform') => ({
  id,
  type,
  position: { x: 0, y: 0 },
  config: {},
});
const edge = (source: string, target: string, sourceHandle = 'main') => ({
  id: `${source}-${target}-${sourceHandle}`,
  source,
  target,
  sourceHandle,
});

/** t → check → (true) yes → join ; (false) no → join ; lone (unconnected). */
const graph: WorkflowGraph = {
  nodes: [
    node('t', 'manual'),
    node('check', 'if'),
    node('yes'),
    node('no'),
    node('join'),
    node('lone'),
  ],
  edges: [
    edge('t', 'check'),
    edge('check', 'yes', 'true'),
    edge('check', 'no', 'false'),
    edge('yes', 'join'),
    edge('no', 'join'),
  ],
};

const states = (s: Record<string, StepStatus | [StepStatus, string]>): StepState[] =>
  Object.entries(s).map(([nodeId, v]) => ({
    nodeId,
    status: Array.isArray(v) ? v[0] : v,
    handle: Array.isArray(v) ? v[1] : v === 'succeeded' ? 'main' : null,
    error: Array.isArray(v) || v !== 'failed' ? null : { message: `${nodeId} broke` },
  }));

describe('planNext', () => {
  it('queues the trigger successors and skips nodes nothing leads to', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: 'pending',
        yes: 'pending',
        no: 'pending',
        join: 'pending',
        lone: 'pending',
      }),
    );
    expect(plan).toEqual({ queue: ['check'], skip: ['lone'] });
  });

  it('skips the branch not taken and everything only it leads to, and queues the taken one', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: ['succeeded', 'false'],
        yes: 'pending',
        no: 'pending',
        join: 'pending',
        lone: 'skipped',
      }),
    );
    expect(plan).toEqual({ queue: ['no'], skip: ['yes'] });
  });

  it('waits for every incoming source before deciding on a join', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: ['succeeded', 'true'],
        yes: 'running',
        no: 'skipped',
        join: 'pending',
        lone: 'skipped',
      }),
    );
    expect(plan).toEqual({ queue: [], skip: [] });
  });

  it('runs a join when one incoming edge is taken and the others were skipped', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: ['succeeded', 'true'],
        yes: 'succeeded',
        no: 'skipped',
        join: 'pending',
        lone: 'skipped',
      }),
    );
    expect(plan).toEqual({ queue: ['join'], skip: [] });
  });

  it('finishes succeeded when nothing is left and nothing failed', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: ['succeeded', 'true'],
        yes: 'succeeded',
        no: 'skipped',
        join: 'succeeded',
        lone: 'skipped',
      }),
    );
    expect(plan.finish).toEqual({ status: 'succeeded', error: null });
  });

  it('skips what lies below a failed step and finishes failed with its error', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: 'failed',
        yes: 'pending',
        no: 'pending',
        join: 'pending',
        lone: 'skipped',
      }),
    );
    expect(plan.skip).toEqual(['yes', 'no', 'join']);
    expect(plan.finish).toEqual({
      status: 'failed',
      error: { message: 'check broke', nodeId: 'check' },
    });
  });

  it('never runs a join with a failed source, even when another edge is taken', () => {
    const plan = planNext(
      graph,
      states({
        t: 'succeeded',
        check: ['succeeded', 'true'],
        yes: 'failed',
        no: 'succeeded',
        join: 'pending',
        lone: 'skipped',
      }),
    );
    expect(plan.skip).toEqual(['join']);
    expect(plan.finish?.status).toBe('failed');
  });

  it('does not finish while a step is waiting or retrying', () => {
    expect(
      planNext(
        graph,
        states({
          t: 'succeeded',
          check: 'retrying',
          yes: 'skipped',
          no: 'skipped',
          join: 'skipped',
          lone: 'skipped',
        }),
      ).finish,
    ).toBeUndefined();
    expect(
      planNext(
        graph,
        states({
          t: 'succeeded',
          check: 'waiting',
          yes: 'skipped',
          no: 'skipped',
          join: 'skipped',
          lone: 'skipped',
        }),
      ).finish,
    ).toBeUndefined();
  });
});

describe('retryPlan', () => {
  it('reruns failed steps and resets the skipped steps below them', () => {
    const plan = retryPlan(
      graph,
      states({
        t: 'succeeded',
        check: 'failed',
        yes: 'skipped',
        no: 'skipped',
        join: 'skipped',
        lone: 'skipped',
      }),
    );
    expect(plan).toEqual({ rerun: ['check'], reset: ['yes', 'no', 'join'] });
  });
});

describe('graph helpers', () => {
  it('reports a missing trigger node or a cycle', () => {
    expect(graphProblem(graph, 't')).toBeUndefined();
    expect(graphProblem(graph, 'nope')).toMatch(/not in the graph/);
    const cyclic = {
      nodes: [node('t', 'manual'), node('a'), node('b')],
      edges: [edge('t', 'a'), edge('a', 'b'), edge('b', 'a')],
    };
    expect(graphProblem(cyclic, 't')).toMatch(/cycle/);
  });

  it('finds descendants', () => {
    expect([...descendantsOf(graph, ['check'])].sort()).toEqual(['join', 'no', 'yes']);
  });

  it('picks the output of the last step that succeeded, the trigger only when nothing else ran', () => {
    const at = (ms: number) => new Date(ms);
    expect(
      lastOutput(
        [
          { nodeId: 't', status: 'succeeded', output: 'payload', finishedAt: at(3) },
          { nodeId: 'a', status: 'succeeded', output: 'A', finishedAt: at(1) },
          { nodeId: 'b', status: 'succeeded', output: 'B', finishedAt: at(2) },
          { nodeId: 'c', status: 'failed', output: null, finishedAt: at(4) },
        ],
        't',
      ),
    ).toBe('B');
    expect(
      lastOutput([{ nodeId: 't', status: 'succeeded', output: 'payload', finishedAt: at(1) }], 't'),
    ).toBe('payload');
  });
});
