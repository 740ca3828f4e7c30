import { z } from 'zod';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { coreNodeTypes, defineNodeType, NodeTypeRegistry, secretField } from '@flowgenie/workflow';
import { checkGraph } from './graph-checks';

// An integration-style action whose secret is required (no core node type has one).
const registry = new NodeTypeRegistry(coreNodeTypes).register(
  defineNodeType({
    type: 'chat_post',
    version: 1,
    category: 'action',
    displayName: 'Chat: post',
    description: 'Posts a message',
    config: z.object({
      channel: z.string(),
      token: z
        .string()
        .min(8)
        .meta({ ...secretField }),
    }),
    outputs: ['main'],
  }),
);

const graph = (config: Record<string, unknown>): WorkflowGraph => ({
  nodes: [
    { id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} },
    { id: 'post', type: 'chat_post', position: { x: 1, y: 0 }, config },
  ],
  edges: [{ id: 'e1', source: 'start', sourceHandle: 'main', target: 'post' }],
});

describe('checkGraph and secrets', () => {
  it('tells the user a required secret has no value (as after an import)', () => {
    expect(checkGraph(graph({ channel: '#ops' }), registry)).toEqual({
      ok: false,
      errors: [
        {
          nodeId: 'post',
          path: 'nodes.1.config.token',
          message: expect.stringMatching(/^no secret is set/),
        },
      ],
    });
  });

  it('keeps the usual message for a secret that is set but wrong, and for other fields', () => {
    const result = checkGraph(graph({ token: 'short' }), registry);
    expect(result.ok).toBe(false);
    expect(result.errors).toHaveLength(2);
    for (const e of result.errors) expect(e.message).not.toMatch(/no secret is set/);
  });

  it('accepts the graph once the secret is set', () => {
    expect(checkGraph(graph({ channel: '#ops', token: 'xoxb-123456' }), registry)).toEqual({
      ok: true,
      errors: [],
    });
  });
});
