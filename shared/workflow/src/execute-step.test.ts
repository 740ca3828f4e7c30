import { z } from 'zod';
import { PermanentStepError, RetryableStepError, StepWaitError } from './errors';
import { executeStep, runResolvedStep, type ExecuteStepContext } from './execute-step';
import { defineNodeType } from './node-type';
import { getNodeType } from './registry';

const input = {
  trigger: { body: { name: 'Ada', wait: 5000 } },
  steps: { fetch: { status: 200, body: { items: [{ price: 2 }, { price: 3 }], ok: true } } },
};

function ctx(extra: Partial<ExecuteStepContext> = {}): ExecuteStepContext {
  return {
    input,
    signal: new AbortController().signal,
    executionId: 'exec-1',
    attempt: 1,
    http: {},
    ...extra,
  };
}

const run = (type: string, config: Record<string, unknown>, extra?: Partial<ExecuteStepContext>) =>
  executeStep(getNodeType(type)!, { id: 'node', config }, ctx(extra));

describe('executeStep with the core node types', () => {
  it('transform outputs the value of its single {{ }} with its type', async () => {
    const result = await run('transform', {
      expression:
        '{{ { "name": trigger.body.name, "total": $sum(steps.fetch.body.items.price) } }}',
    });
    expect(result).toEqual({ output: { name: 'Ada', total: 5 } });
  });

  it('transform parses JSON text with {{ }} values, and evaluates a {{ }} once', async () => {
    const json = await run('transform', {
      expression:
        '{"name": "{{ trigger.body.name }}", "total": {{ $sum(steps.fetch.body.items.price) }} }',
    });
    expect(json.output).toEqual({ name: 'Ada', total: 5 });
    const once = await run('transform', { expression: '{{ "steps.fetch.status" }}' });
    expect(once.output).toBe('steps.fetch.status');
    const text = await run('transform', { expression: 'steps.fetch.status' });
    expect(text.output).toBe('steps.fetch.status');
  });

  it('if takes the "true" or "false" handle', async () => {
    expect(await run('if', { condition: '{{ steps.fetch.status = 200 }}' })).toEqual({
      output: { result: true },
      handle: 'true',
    });
    expect(await run('if', { condition: '{{ steps.fetch.body.items[price > 10] }}' })).toEqual({
      output: { result: false },
      handle: 'false',
    });
    expect((await run('if', { condition: 'false' })).handle).toBe('false');
  });

  it('if fails permanently on a broken condition, naming it', async () => {
    const err = await run('if', { condition: '{{ steps.fetch.status = }}' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('expression_error');
    expect(err.message).toContain('condition');
  });

  it('expressions read the run and the step: execution.id and execution.stepId', async () => {
    const result = await executeStep(
      getNodeType('transform')!,
      { id: 'node', config: { expression: '{{ execution.id & "/" & execution.stepId }}' } },
      ctx({ input: { ...ctx().input, execution: { id: 'exec-1', stepId: 'node' } } }),
    );
    expect(result.output).toBe('exec-1/node');
  });

  it('delay asks to be resumed later instead of sleeping, then completes when resumed', async () => {
    const now = () => Date.parse('2025-01-01T00:00:00Z');
    const first = await run('delay', { ms: '{{ trigger.body.wait }}' }, { now });
    expect(first).toEqual({ output: undefined, delayUntil: Date.parse('2025-01-01T00:00:05Z') });
    const later = () => Date.parse('2025-01-01T00:00:05Z');
    const second = await run(
      'delay',
      { ms: '{{ trigger.body.wait }}' },
      { now: later, resumed: true },
    );
    expect(second).toEqual({ output: { resumedAt: '2025-01-01T00:00:05.000Z' } });
  });

  it('delay until a past time completes at once', async () => {
    const now = () => Date.parse('2025-01-01T00:00:00Z');
    const result = await run('delay', { until: '2024-12-31T23:00:00+00:00' }, { now });
    expect(result.delayUntil).toBeUndefined();
    const future = await run('delay', { until: '2025-01-01T02:00:00+01:00' }, { now });
    expect(future.delayUntil).toBe(Date.parse('2025-01-01T01:00:00Z'));
  });

  it('respond_to_webhook returns the webhook response, expressions resolved', async () => {
    const result = await run('respond_to_webhook', {
      status: 201,
      headers: { 'x-name': '{{ trigger.body.name }}' },
      body: { total: '{{ $sum(steps.fetch.body.items.price) }}' },
    });
    const response = { status: 201, headers: { 'x-name': 'Ada' }, body: { total: 5 } };
    expect(result).toEqual({ output: response, webhookResponse: response });
  });

  it('triggers output the trigger payload', async () => {
    expect(await run('webhook', {})).toEqual({ output: input.trigger });
    expect(await run('manual', { samplePayload: { a: 1 } })).toEqual({ output: input.trigger });
  });

  it('fails permanently when resolved config is invalid, naming the field', async () => {
    const err = await run('http_request', {
      url: 'https://x.example.com',
      timeoutMs: '{{ trigger.body.name }}',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('invalid_config');
    expect(err.message).toContain('timeoutMs');
  });

  it('fails permanently when an expression in the config fails', async () => {
    const err = await run('respond_to_webhook', { body: '{{ $nope() }}' }).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('expression_error');
    expect(err.details.path).toBe('body');
  });

  it('fails permanently when run returns a handle the node type does not declare', async () => {
    const bad = defineNodeType({
      type: 'test_bad_handle',
      version: 1,
      category: 'logic',
      displayName: 'Bad',
      description: 'x',
      config: z.object({}),
      outputs: ['true', 'false'],
      run: async () => ({ output: 1, handle: 'maybe' }),
    });
    const err = await executeStep(bad, { id: 'n' }, ctx()).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('invalid_handle');
    expect(err.message).toContain('"maybe"');
    // A node with no "main" output must name a handle; a delay needs none.
    const noHandle = defineNodeType({
      ...bad,
      type: 'test_no_handle',
      run: async () => ({ output: 1 }),
    });
    await expect(executeStep(noHandle, { id: 'n' }, ctx())).rejects.toMatchObject({
      code: 'invalid_handle',
    });
    const delayed = defineNodeType({
      ...bad,
      type: 'test_delayed',
      run: async () => ({ output: undefined, delayUntil: 5 }),
    });
    await expect(executeStep(delayed, { id: 'n' }, ctx())).resolves.toEqual({
      output: undefined,
      delayUntil: 5,
    });
  });

  it('fails permanently for a node type without run, before resolving its config', async () => {
    const inert = defineNodeType({
      type: 'test_inert',
      version: 1,
      category: 'action',
      displayName: 'Inert',
      description: 'x',
      config: z.object({}),
      outputs: ['main'],
    });
    const err = await executeStep(inert, { id: 'n', config: { x: '{{ $nope() }}' } }, ctx()).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(PermanentStepError);
    expect(err.code).toBe('not_runnable');
    await expect(runResolvedStep(inert, 'n', {}, ctx())).rejects.toMatchObject({
      code: 'not_runnable',
    });
  });

  it('runResolvedStep hands run the given config and node id as they are', async () => {
    const seen: unknown[] = [];
    const echo = defineNodeType({
      type: 'test_echo',
      version: 1,
      category: 'action',
      displayName: 'Echo',
      description: 'x',
      config: z.object({ text: z.string() }),
      outputs: ['main'],
      run: async (c) => {
        seen.push({ config: c.config, nodeId: c.nodeId, executionId: c.executionId });
        return { output: c.config.text };
      },
    });
    const result = await runResolvedStep(
      echo,
      'echo-1',
      { text: '{{ trigger.body.name }}' },
      ctx(),
    );
    expect(result).toEqual({ output: '{{ trigger.body.name }}' });
    expect(seen).toEqual([
      { config: { text: '{{ trigger.body.name }}' }, nodeId: 'echo-1', executionId: 'exec-1' },
    ]);
  });

  it('turns a StepWaitError into a wait (delayUntil), and lets other errors through', async () => {
    const waiter = (error: Error) =>
      defineNodeType({
        type: 'test_waiter',
        version: 1,
        category: 'action',
        displayName: 'Waiter',
        description: 'x',
        config: z.object({}),
        outputs: ['main'],
        run: async () => {
          throw error;
        },
      });
    const until = Date.now() + 5000;
    await expect(
      runResolvedStep(waiter(new StepWaitError('busy', until)), 'w', {}, ctx()),
    ).resolves.toEqual({ output: undefined, delayUntil: until });
    await expect(
      runResolvedStep(waiter(new RetryableStepError('down')), 'w', {}, ctx()),
    ).rejects.toBeInstanceOf(RetryableStepError);
  });
});
