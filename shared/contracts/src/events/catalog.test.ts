import { randomUUID } from 'node:crypto';
import { WorkflowTriggered } from './catalog';

const base = {
  executionId: randomUUID(),
  workflowId: randomUUID(),
  ownerId: randomUUID(),
  version: 1,
  mode: 'webhook' as const,
  triggerNodeId: 'hook',
  idempotencyKey: 'webhook:x:1',
  graph: {
    nodes: [{ id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} }],
    edges: [],
  },
  triggeredAt: new Date().toISOString(),
};

describe('workflow.triggered carries its payload inline or by reference, never both', () => {
  it('accepts an inline payload, and a reference alone', () => {
    expect(WorkflowTriggered.data.safeParse({ ...base, payload: { a: 1 } }).success).toBe(true);
    expect(
      WorkflowTriggered.data.safeParse({ ...base, payloadRef: { key: 'triggered/abc', bytes: 10 } })
        .success,
    ).toBe(true);
  });

  it('refuses both at once, naming payloadRef', () => {
    const result = WorkflowTriggered.data.safeParse({
      ...base,
      payload: { a: 1 },
      payloadRef: { key: 'triggered/abc', bytes: 10 },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['payloadRef'] });
  });

  it('refuses a reference whose key could escape the store', () => {
    const result = WorkflowTriggered.data.safeParse({
      ...base,
      payloadRef: { key: 'a b\n', bytes: 1 },
    });
    expect(result.success).toBe(false);
  });
});
