import { randomUUID } from 'node:crypto';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { startExecutionService, stepOf, type Json, type TestExecution } from './support';

jest.setTimeout(30_000);

/** manual → double (transform) → check (if) → big (true) / small (false). */
function graph(pins: Record<string, unknown> = {}): WorkflowGraph {
  const node = (id: string, type: string, config: Record<string, unknown>) => ({
    id,
    type,
    position: { x: 0, y: 0 },
    config,
    ...(id in pins ? { pinnedData: pins[id] } : {}),
  });
  return {
    nodes: [
      node('start', 'manual', {}),
      node('double', 'transform', { expression: '{{ { "n": trigger.n * 2 } }}' }),
      node('check', 'if', { condition: '{{ steps.double.n > 10 }}' }),
      node('big', 'transform', {
        expression: '{{ { "label": "big " & $string(steps.double.n) } }}',
      }),
      node('small', 'transform', { expression: '{ "label": "small" }' }),
    ],
    edges: [
      { id: 'e1', source: 'start', sourceHandle: 'main', target: 'double' },
      { id: 'e2', source: 'double', sourceHandle: 'main', target: 'check' },
      { id: 'e3', source: 'check', sourceHandle: 'true', target: 'big' },
      { id: 'e4', source: 'check', sourceHandle: 'false', target: 'small' },
    ],
  };
}

describe('draft test runs: pinned data and "run this step"', () => {
  let svc: TestExecution;
  let user: { userId: string; token: string };

  beforeAll(async () => {
    svc = await startExecutionService('execution_test_runs');
    user = await svc.userToken();
  });
  afterAll(() => svc?.close());

  const run = async (input: {
    graph: WorkflowGraph;
    workflowId: string;
    payload?: unknown;
    version?: number | null;
    runNode?: string;
  }) => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      mode: 'manual',
      version: null,
      ...input,
    });
    return svc.waitForExecution(executionId, user.token);
  };

  it('uses a pinned step output in a draft test run instead of running the step', async () => {
    const execution = await run({
      graph: graph({ double: { n: 50 } }),
      workflowId: randomUUID(),
      payload: { n: 1 },
    });

    expect(execution.status).toBe('succeeded');
    expect(stepOf(execution, 'double')).toMatchObject({
      status: 'succeeded',
      attempts: 0,
      output: { n: 50 },
    });
    expect(stepOf(execution, 'big')).toMatchObject({
      status: 'succeeded',
      output: { label: 'big 50' },
    });
    expect(stepOf(execution, 'small').status).toBe('skipped');
  });

  it('ignores pins when a published version runs', async () => {
    const execution = await run({
      graph: graph({ double: { n: 50 } }),
      workflowId: randomUUID(),
      payload: { n: 1 },
      version: 3,
    });

    expect(stepOf(execution, 'double')).toMatchObject({ attempts: 1, output: { n: 2 } });
    expect(stepOf(execution, 'small').status).toBe('succeeded');
    expect(stepOf(execution, 'big').status).toBe('skipped');
  });

  it('runs one step on the last test run’s upstream data, running nothing else', async () => {
    const workflowId = randomUUID();
    await run({ graph: graph(), workflowId, payload: { n: 8 } }); // double = 16 → big

    const execution = await run({
      graph: graph(),
      workflowId,
      payload: { n: 999 },
      runNode: 'big',
    });

    expect(execution.status).toBe('succeeded');
    expect(execution.steps.map((s: Json) => [s.nodeId, s.status, s.attempts])).toEqual([
      ['start', 'succeeded', 1],
      ['double', 'succeeded', 0],
      ['check', 'succeeded', 0],
      ['big', 'succeeded', 1],
      ['small', 'skipped', 0],
    ]);
    // The trigger and the steps above come from the last test run, not from this payload.
    expect(execution.triggerPayload).toEqual({ n: 8 });
    expect(stepOf(execution, 'big').output).toEqual({ label: 'big 16' });
  });

  it('names the step a "run this step" run ran, in the history list and the detail', async () => {
    const workflowId = randomUUID();
    const named = graph();
    named.nodes.find((n) => n.id === 'big')!.name = 'Label big orders';
    const whole = await run({ graph: named, workflowId, payload: { n: 8 } });
    const one = await run({ graph: named, workflowId, runNode: 'big' });

    expect(one.stepTest).toEqual({ nodeId: 'big', name: 'Label big orders' });
    const list = await svc.call('GET', `/executions?workflowId=${workflowId}`, {
      token: user.token,
    });
    expect(list.body.items.map((e: Json) => [e.id, e.stepTest])).toEqual([
      [one.id, { nodeId: 'big', name: 'Label big orders' }],
      [whole.id, null],
    ]);
  });

  it('prefers a pinned upstream output to the last test run', async () => {
    const workflowId = randomUUID();
    await run({ graph: graph(), workflowId, payload: { n: 8 } });

    const execution = await run({
      graph: graph({ double: { n: 77 }, check: { result: true } }),
      workflowId,
      runNode: 'big',
    });

    expect(stepOf(execution, 'big').output).toEqual({ label: 'big 77' });
  });

  it('fails at once, naming the step to run first, when the step before has no data', async () => {
    const execution = await run({ graph: graph(), workflowId: randomUUID(), runNode: 'big' });

    expect(execution.status).toBe('failed');
    expect(execution.error).toEqual({
      nodeId: 'big',
      message:
        'the step before this one ("check") has no data yet: run the workflow (or that step) first, or pin data on it',
    });
    expect(stepOf(execution, 'big')).toMatchObject({
      status: 'failed',
      attempts: 0,
      error: { code: 'missing_input_data' },
    });
    expect(stepOf(execution, 'double').status).toBe('skipped');
  });

  it('does not read another user’s test runs of the same workflow id', async () => {
    const workflowId = randomUUID();
    const other = await svc.userToken();
    const theirs = await svc.trigger({
      ownerId: other.userId,
      graph: graph(),
      workflowId,
      mode: 'manual',
      version: null,
      payload: { n: 8 },
    });
    await svc.waitForExecution(theirs.executionId, other.token);

    const execution = await run({ graph: graph(), workflowId, runNode: 'double' });
    // `double` reads the trigger: this run's own payload (`{}`), not the other user's `{ n: 8 }`.
    expect(execution.triggerPayload).toEqual({});
    expect(stepOf(execution, 'double').output).toEqual({});
  });
});
