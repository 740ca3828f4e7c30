import { Writable } from 'node:stream';
import pino from 'pino';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { hotPathGraph, startExecutionService, type TestExecution } from './support';

jest.setTimeout(60_000);

const node = (id: string, type: string, config: Record<string, unknown>, x = 0) => ({
  id,
  type,
  position: { x, y: 0 },
  config,
});
const edge = (source: string, target: string, sourceHandle = 'main') => ({
  id: `${source}-${target}`,
  source,
  sourceHandle,
  target,
});

const hotPath = hotPathGraph();

/** A transform whose expression fails at run time: the step fails for good. */
const failing = {
  nodes: [
    node('hook', 'webhook', {}),
    node('boom', 'transform', { expression: '{{ $error("no total") }}' }, 200),
  ],
  edges: [edge('hook', 'boom')],
} as WorkflowGraph;

let svc: TestExecution;
const lines: Array<{ level: number; msg: string; nodeId?: string; executionId?: string }> = [];

beforeAll(async () => {
  svc = await startExecutionService('execution_hot_path_logs', {}, { executor: false });
  // The executor as production runs it (LOG_LEVEL=info), its lines captured.
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  await svc.startExecutor({}, pino({ level: 'info' }, sink));
});
afterAll(() => svc?.close());

it('writes no info line per step of a succeeding execution, but a failing step still logs', async () => {
  const user = await svc.userToken();
  const { executionId } = await svc.trigger({
    ownerId: user.userId,
    graph: hotPath,
    payload: { body: { a: 7, b: 8 } },
  });
  const done = await svc.waitForExecution(executionId, user.token);
  expect(done.status).toBe('succeeded');
  expect(lines.filter((l) => l.executionId === executionId)).toEqual([]);

  const failed = await svc.trigger({ ownerId: user.userId, graph: failing, payload: {} });
  const outcome = await svc.waitForExecution(failed.executionId, user.token);
  expect(outcome.status).toBe('failed');
  const logged = lines.filter((l) => l.executionId === failed.executionId);
  expect(logged).toEqual([
    expect.objectContaining({ level: 40, msg: 'step failed', nodeId: 'boom' }),
  ]);
});
