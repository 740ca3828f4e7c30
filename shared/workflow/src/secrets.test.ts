import { z } from 'zod';
import { defineNodeType, secretField } from './node-type';
import { coreNodeTypes } from './node-types';
import { NodeTypeRegistry, getNodeType } from './registry';
import {
  isSecretSet,
  maskSecrets,
  restoreSecrets,
  SECRET_PLACEHOLDER,
  secretFields,
  secretPaths,
} from './secrets';

const hook = (config: Record<string, unknown>, id = 'hook') => ({
  id,
  type: 'webhook',
  position: { x: 0, y: 0 },
  config,
});
const fetchNode = {
  id: 'fetch',
  type: 'http_request',
  position: { x: 1, y: 0 },
  config: { url: 'https://a.example' } as Record<string, unknown>,
};
const graph = (config: Record<string, unknown>) => ({
  nodes: [hook(config), fetchNode],
  edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'fetch' }],
});
const SECRET = 'a-very-secret-hmac-key';

describe('secret fields', () => {
  it('reads the fields a node type marks secret from its config schema', () => {
    expect(secretFields(getNodeType('webhook'))).toEqual(['hmacSecret']);
    expect(secretFields(getNodeType('http_request'))).toEqual([]);
    expect(secretFields(undefined)).toEqual([]);
  });

  it('counts only real values as set', () => {
    expect(isSecretSet(SECRET)).toBe(true);
    expect([undefined, null, ''].map(isSecretSet)).toEqual([false, false, false]);
  });

  it('lists the secrets that hold a value', () => {
    expect(secretPaths(graph({ hmacSecret: SECRET }))).toEqual([
      { nodeId: 'hook', field: 'hmacSecret' },
    ]);
    expect(secretPaths(graph({ method: 'POST' }))).toEqual([]);
    expect(
      secretPaths({ nodes: [{ id: 'x', type: 'unknown_type', config: { hmacSecret: SECRET } }] }),
    ).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('replaces a set secret by the placeholder and leaves everything else alone', () => {
    const original = graph({ method: 'POST', hmacSecret: SECRET });
    const masked = maskSecrets(original);
    expect(masked).toEqual(graph({ method: 'POST', hmacSecret: SECRET_PLACEHOLDER }));
    expect(JSON.stringify(masked)).not.toContain(SECRET);
    // Pure: the input still holds the secret.
    expect(original.nodes[0].config.hmacSecret).toBe(SECRET);
  });

  it('does not invent a placeholder for an unset secret', () => {
    expect(maskSecrets(graph({ method: 'POST' }))).toEqual(graph({ method: 'POST' }));
    expect(maskSecrets(graph({ hmacSecret: '' }))).toEqual(graph({ hmacSecret: '' }));
  });
});

describe('restoreSecrets', () => {
  const stored = graph({ method: 'POST', hmacSecret: SECRET });

  it('keeps the stored value when the client sends the placeholder back', () => {
    const result = restoreSecrets(maskSecrets(stored), stored);
    expect(result).toEqual({ graph: stored, unset: [] });
  });

  it('takes a new value, and a removed field stays removed', () => {
    expect(restoreSecrets(graph({ hmacSecret: 'another-secret-value-1' }), stored).graph).toEqual(
      graph({ hmacSecret: 'another-secret-value-1' }),
    );
    expect(restoreSecrets(graph({ method: 'GET' }), stored).graph).toEqual(
      graph({ method: 'GET' }),
    );
  });

  it('unsets a placeholder with nothing stored behind it (new workflow, new node, other type)', () => {
    const sent = graph({ method: 'POST', hmacSecret: SECRET_PLACEHOLDER });
    const unset = [{ nodeId: 'hook', field: 'hmacSecret' }];
    expect(restoreSecrets(sent, null)).toEqual({ graph: graph({ method: 'POST' }), unset });
    expect(restoreSecrets(sent, graph({ method: 'POST' }))).toEqual({
      graph: graph({ method: 'POST' }),
      unset,
    });
    const renamed = { ...sent, nodes: [hook({ hmacSecret: SECRET_PLACEHOLDER }, 'hook2')] };
    expect(restoreSecrets(renamed, stored).graph.nodes[0].config).toEqual({});
    const otherType = { nodes: [{ id: 'hook', type: 'manual', config: { hmacSecret: SECRET } }] };
    expect(restoreSecrets(sent, otherType).graph.nodes[0].config).toEqual({ method: 'POST' });
  });

  it('leaves the placeholder text alone in fields that are not secret', () => {
    const sent = { nodes: [{ ...fetchNode, config: { url: SECRET_PLACEHOLDER } }] };
    expect(restoreSecrets(sent, null)).toEqual({ graph: sent, unset: [] });
  });

  it('works with any registry (integration node types)', () => {
    const slack = defineNodeType({
      type: 'slack_post',
      version: 1,
      category: 'action',
      displayName: 'Slack',
      description: 'Posts a message',
      config: z.object({ channel: z.string(), token: z.string().meta({ ...secretField }) }),
      outputs: ['main'],
    });
    const registry = new NodeTypeRegistry(coreNodeTypes).register(slack);
    const node = { id: 'post', type: 'slack_post', config: { channel: '#ops', token: 'xoxb-1' } };
    expect(secretFields(registry.get('slack_post'))).toEqual(['token']);
    const masked = maskSecrets({ nodes: [node] }, registry);
    expect(masked.nodes[0].config).toEqual({ channel: '#ops', token: SECRET_PLACEHOLDER });
    expect(restoreSecrets(masked, { nodes: [node] }, registry).graph.nodes[0]).toEqual(node);
  });
});
