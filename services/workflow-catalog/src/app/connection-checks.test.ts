import type { WorkflowGraph } from '@flowgenie/contracts';
import { registerIntegrationNodeTypes } from '@flowgenie/integrations/node-types';
import { coreNodeTypes, NodeTypeRegistry } from '@flowgenie/workflow';
import { connectionRefs } from './connection-checks';

const registry = registerIntegrationNodeTypes(new NodeTypeRegistry(coreNodeTypes));
const ID = '5b3f1c2a-1b2c-4d3e-8f9a-0b1c2d3e4f5a';

const graph = (nodes: { type: string; config: Record<string, unknown> }[]): WorkflowGraph => ({
  nodes: nodes.map((n, i) => ({ id: `n${i}`, position: { x: i, y: 0 }, ...n })),
  edges: [],
});

describe('connectionRefs', () => {
  it('names every literal connection id with what its step needs, triggers included', () => {
    const refs = connectionRefs(
      graph([
        { type: 'gmail_new_message', config: { connectionId: ID, query: 'x' } },
        { type: 'slack_post_message', config: { connectionId: ` ${ID} `, channel: 'C1' } },
        { type: 'http_request', config: { method: 'GET', url: 'https://x', connectionId: ID } },
      ]),
      registry,
    );
    expect(refs).toEqual([
      expect.objectContaining({
        path: 'nodes.0.config.connectionId',
        nodeId: 'n0',
        connectionId: ID,
        providers: ['google'],
      }),
      {
        path: 'nodes.1.config.connectionId',
        nodeId: 'n1',
        connectionId: ID,
        providers: ['slack'],
        scopes: ['chat:write'],
      },
      expect.objectContaining({ path: 'nodes.2.config.connectionId', nodeId: 'n2' }),
    ]);
    expect(refs[2].providers).toContain('http_bearer');
  });

  it('leaves expressions, empty fields, other types and unknown node types alone', () => {
    expect(
      connectionRefs(
        graph([
          { type: 'gmail_send', config: { connectionId: '{{ trigger.connection }}' } },
          { type: 'gmail_send', config: { connectionId: '' } },
          { type: 'gmail_send', config: { connectionId: 42 } },
          { type: 'http_request', config: { method: 'GET', url: 'https://x' } },
          { type: 'no_such_type', config: { connectionId: ID } },
        ]),
        registry,
      ),
    ).toEqual([]);
  });
});
