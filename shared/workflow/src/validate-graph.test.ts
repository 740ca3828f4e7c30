import type { WorkflowGraph } from '@flowgenie/contracts';
import { validateGraph, type GraphValidationError } from './validate-graph';

type N = { id: string; type: string; config?: Record<string, unknown> };
type E = { id: string; source: string; target: string; sourceHandle?: string };

/** trigger → fetch → check ─true→ notify, ─false→ wait */
function aWorkflow(patch: { nodes?: N[]; edges?: E[] } = {}) {
  const nodes: N[] = patch.nodes ?? [
    { id: 'hook', type: 'webhook', config: {} },
    {
      id: 'fetch',
      type: 'http_request',
      config: { url: 'https://api.example.com/users/{{ trigger.body.id }}' },
    },
    { id: 'check', type: 'if', config: { condition: '{{ steps.fetch.status = 200 }}' } },
    {
      id: 'notify',
      type: 'http_request',
      config: {
        method: 'POST',
        url: 'https://hooks.example.com',
        body: { email: '{{ steps.fetch.body.email }}' },
      },
    },
    { id: 'wait', type: 'delay', config: { ms: 1000 } },
  ];
  const edges: E[] = patch.edges ?? [
    { id: 'e1', source: 'hook', target: 'fetch' },
    { id: 'e2', source: 'fetch', target: 'check' },
    { id: 'e3', source: 'check', sourceHandle: 'true', target: 'notify' },
    { id: 'e4', source: 'check', sourceHandle: 'false', target: 'wait' },
  ];
  return { nodes, edges };
}

function errorsOf(graph: unknown): GraphValidationError[] {
  const result = validateGraph(graph);
  return result.ok ? [] : result.errors;
}

describe('validateGraph', () => {
  it('accepts a well-formed workflow', () => {
    expect(validateGraph(aWorkflow())).toEqual({ ok: true });
  });

  it('accepts an already-parsed WorkflowGraph', () => {
    const graph: WorkflowGraph = {
      nodes: [{ id: 'start', type: 'manual', position: { x: 0, y: 0 }, config: {} }],
      edges: [],
    };
    expect(validateGraph(graph).ok).toBe(true);
  });

  it('reports a malformed graph by path', () => {
    expect(errorsOf({ nodes: [{ id: '1bad', type: 'manual' }], edges: 'nope' })).toEqual([
      expect.objectContaining({ code: 'invalid_shape', path: 'nodes.0.id', nodeId: '1bad' }),
      expect.objectContaining({ code: 'invalid_shape', path: 'edges' }),
    ]);
  });

  it('requires exactly one trigger', () => {
    const g = aWorkflow();
    expect(errorsOf({ nodes: g.nodes.slice(1), edges: g.edges.slice(1) })).toEqual([
      expect.objectContaining({ code: 'missing_trigger', path: 'nodes' }),
    ]);
    const two = aWorkflow({
      nodes: [...g.nodes, { id: 'cron', type: 'schedule', config: { cron: '0 9 * * *' } }],
    });
    expect(errorsOf(two)).toEqual([
      expect.objectContaining({ code: 'multiple_triggers', path: 'nodes.5.type', nodeId: 'cron' }),
    ]);
  });

  it('rejects duplicate node ids and edge ids', () => {
    const g = aWorkflow();
    const errors = errorsOf({
      nodes: [...g.nodes, { id: 'wait', type: 'delay', config: { ms: 5 } }],
      edges: [...g.edges, { id: 'e1', source: 'fetch', target: 'wait' }],
    });
    expect(errors).toEqual([
      expect.objectContaining({ code: 'duplicate_node_id', path: 'nodes.5.id', nodeId: 'wait' }),
      expect.objectContaining({ code: 'duplicate_edge_id', path: 'edges.4.id', edgeId: 'e1' }),
    ]);
  });

  it('rejects unknown node types', () => {
    const g = aWorkflow();
    g.nodes[4] = { id: 'wait', type: 'teleport', config: {} };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'unknown_node_type',
        path: 'nodes.4.type',
        nodeId: 'wait',
        message: 'unknown node type "teleport"',
      }),
    ]);
  });

  it('rejects edges to or from missing nodes', () => {
    const g = aWorkflow();
    g.edges.push(
      { id: 'e5', source: 'ghost', target: 'wait' },
      { id: 'e6', source: 'wait', target: 'phantom' },
    );
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'unknown_edge_source',
        path: 'edges.4.source',
        edgeId: 'e5',
      }),
      expect.objectContaining({
        code: 'unknown_edge_target',
        path: 'edges.5.target',
        edgeId: 'e6',
      }),
    ]);
  });

  it('rejects a source handle the node type does not have', () => {
    const g = aWorkflow();
    g.edges[2] = { id: 'e3', source: 'check', sourceHandle: 'maybe', target: 'notify' };
    g.edges[0] = { id: 'e1', source: 'hook', sourceHandle: 'true', target: 'fetch' };
    const errors = errorsOf(g);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'unknown_source_handle',
        path: 'edges.0.sourceHandle',
        nodeId: 'hook',
      }),
      expect.objectContaining({
        code: 'unknown_source_handle',
        path: 'edges.2.sourceHandle',
        nodeId: 'check',
      }),
    ]);
    expect(errors[1].message).toBe(
      'node "check" (if) has no output "maybe"; its outputs are "true", "false"',
    );
  });

  it('rejects an edge into the trigger', () => {
    const g = aWorkflow();
    g.edges.push({ id: 'back', source: 'wait', target: 'hook' });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'edge_into_trigger',
        path: 'edges.4.target',
        nodeId: 'hook',
        edgeId: 'back',
      }),
    ]);
  });

  it('rejects the same connection twice', () => {
    const g = aWorkflow();
    g.edges.push({ id: 'again', source: 'fetch', target: 'check' });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({ code: 'duplicate_edge', path: 'edges.4', edgeId: 'again' }),
    ]);
  });

  it('rejects cycles and names the nodes on them', () => {
    const g = aWorkflow();
    g.edges.push({ id: 'loop', source: 'wait', target: 'fetch' });
    const errors = errorsOf(g);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'cycle', nodeId: 'fetch', path: 'nodes.1' }),
    ]);
    expect(errors[0].message).toBe('steps form a cycle: fetch → check → wait → fetch');
  });

  it('rejects a self-loop', () => {
    const g = aWorkflow();
    g.edges.push({ id: 'self', source: 'wait', target: 'wait' });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'cycle',
        nodeId: 'wait',
        message: 'steps form a cycle: wait → wait',
      }),
    ]);
  });

  it('checks each node config against its type schema, with precise paths', () => {
    const g = aWorkflow();
    g.nodes[1] = {
      id: 'fetch',
      type: 'http_request',
      config: { url: 'ftp://files.example.com', timeoutMs: 10 },
    };
    g.nodes[4] = { id: 'wait', type: 'delay', config: { ms: 1000, until: '2030-01-01T00:00:00Z' } };
    g.nodes[0] = { id: 'hook', type: 'webhook', config: { method: 'PATCH' } };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.0.config.method',
        nodeId: 'hook',
      }),
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.1.config.url',
        nodeId: 'fetch',
        message: 'must be an http:// or https:// URL',
      }),
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.1.config.timeoutMs',
        nodeId: 'fetch',
      }),
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.4.config',
        nodeId: 'wait',
        message: 'set exactly one of ms or until',
      }),
    ]);
  });

  it('validates the schedule cron and time zone', () => {
    const g = aWorkflow();
    g.nodes[0] = {
      id: 'hook',
      type: 'schedule',
      config: { cron: '0 25 * * *', timezone: 'Moon/Base' },
    };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.0.config.cron',
        message: expect.stringContaining('invalid cron'),
      }),
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.0.config.timezone',
        message: 'must be an IANA time zone such as Europe/Paris',
      }),
    ]);
  });

  it('does not hold {{ }} fields to the schema, whose value is known only at run time', () => {
    const g = aWorkflow();
    g.nodes[1] = {
      id: 'fetch',
      type: 'http_request',
      config: {
        url: '{{ trigger.body.url }}',
        timeoutMs: '{{ trigger.body.timeout }}',
        headers: '{{ trigger.body.headers }}',
      },
    };
    g.nodes[4] = { id: 'wait', type: 'delay', config: { ms: '{{ trigger.body.wait }}' } };
    expect(validateGraph(g)).toEqual({ ok: true });
  });

  it('rejects expressions that do not parse', () => {
    const g = aWorkflow();
    g.nodes[3].config = {
      method: 'POST',
      url: 'https://hooks.example.com',
      body: { email: '{{ steps.fetch.body.email( }}' },
    };
    g.nodes[2].config = { condition: '{{ steps.fetch.status = }}' };
    const errors = errorsOf(g);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'invalid_expression',
        path: 'nodes.2.config.condition',
        nodeId: 'check',
      }),
      expect.objectContaining({
        code: 'invalid_expression',
        path: 'nodes.3.config.body.email',
        nodeId: 'notify',
      }),
    ]);
  });

  it("words a broken {{ }} with the field's title, counting characters from 1", () => {
    const g = aWorkflow();
    g.nodes[1].config = { url: 'https://x.example.com/{{ }}' };
    g.nodes[2].config = { condition: '{{ steps.fetch.status = 200 ' };
    g.nodes[3].config = { url: 'https://hooks.example.com', body: '{"id": {{ trigger.body. }} }' };
    expect(errorsOf(g).map((e) => e.message)).toEqual([
      'URL has an empty {{ }} at character 23: write an expression inside, e.g. {{ trigger.body }}',
      'Condition has a {{ that is never closed with }} at character 1',
      expect.stringMatching(
        /^Body: \{\{ trigger\.body\. \}\} does not parse: Unexpected end of expression/,
      ),
    ]);
  });

  it('allows expressions to read only the trigger and upstream steps', () => {
    const g = aWorkflow();
    g.nodes[1].config = { url: 'https://x.example.com/{{ steps.notify.body.id }}' }; // downstream
    g.nodes[4].config = { ms: '{{ steps.notify.status }}' }; // sibling branch
    g.nodes[3].config = { url: 'https://x.example.com/{{ steps.nobody.id }}/{{ steps.notify.x }}' }; // unknown, itself
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'step_not_upstream',
        path: 'nodes.1.config.url',
        nodeId: 'fetch',
        message:
          '{{ steps.notify.body.id }} refers to step "notify", which does not run before "fetch"',
      }),
      expect.objectContaining({
        code: 'unknown_step_reference',
        path: 'nodes.3.config.url',
        nodeId: 'notify',
      }),
      expect.objectContaining({
        code: 'step_not_upstream',
        path: 'nodes.3.config.url',
        nodeId: 'notify',
        message: expect.stringContaining('own output'),
      }),
      expect.objectContaining({
        code: 'step_not_upstream',
        path: 'nodes.4.config.ms',
        nodeId: 'wait',
      }),
    ]);
  });

  it('says the same of a graph validated again (each save, read and list validates the draft)', () => {
    const g = aWorkflow();
    g.nodes[1].config = { url: 'https://x.example.com/{{ steps.notify.body.id }}' };
    g.nodes[4].config = { ms: '{{ steps.fetch.status = }}' };
    const first = errorsOf(g);
    expect(first.map((e) => [e.code, e.path])).toEqual([
      ['step_not_upstream', 'nodes.1.config.url'],
      ['invalid_expression', 'nodes.4.config.ms'],
    ]);
    expect(errorsOf(g)).toEqual(first);

    // The same sources in other fields and other places are judged where they now are.
    const moved = aWorkflow();
    moved.nodes[3].config = {
      method: 'POST',
      url: 'https://x.example.com/{{ steps.notify.body.id }}',
      body: { n: '{{ steps.fetch.status = }}' },
    };
    expect(errorsOf(moved).map((e) => [e.code, e.path, e.nodeId])).toEqual([
      ['step_not_upstream', 'nodes.3.config.url', 'notify'],
      ['invalid_expression', 'nodes.3.config.body.n', 'notify'],
    ]);
    expect(errorsOf(aWorkflow())).toEqual([]);
  });

  it('lets expressions read the execution and step ids', () => {
    const g = aWorkflow();
    g.nodes[3].config = {
      method: 'POST',
      url: 'https://hooks.example.com/{{ execution.id }}',
      headers: { 'Idempotency-Key': '{{ execution.id }}-{{ execution.stepId }}' },
    };
    g.nodes[2].config = {
      condition: '{{ $exists(execution.id) and execution.stepId = "check" }}',
    };
    expect(validateGraph(g)).toEqual({ ok: true });
  });

  it('rejects {{ }} in trigger settings', () => {
    const g = aWorkflow();
    g.nodes[0].config = { method: '{{ trigger.method }}' };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'expression_not_allowed',
        path: 'nodes.0.config.method',
        nodeId: 'hook',
      }),
      expect.objectContaining({
        code: 'invalid_config',
        path: 'nodes.0.config.method',
        nodeId: 'hook',
      }),
    ]);
  });

  it('pairs "respond to webhook" steps with a webhook trigger that waits for them', () => {
    const reply = {
      id: 'reply',
      type: 'respond_to_webhook',
      config: { body: '{{ steps.fetch.body }}' },
    };
    const g = aWorkflow();
    g.nodes.push(reply);
    g.edges.push({ id: 'e5', source: 'fetch', target: 'reply' });
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'webhook_response_mismatch',
        path: 'nodes.0.config.responseMode',
        nodeId: 'hook',
        // the builder's labels, not the stored value respond_node
        message:
          'the webhook answers immediately, so "reply" could never respond; set “Respond” to “From a "Respond to webhook" step”',
      }),
    ]);
    g.nodes[0].config = { responseMode: 'respond_node' };
    expect(validateGraph(g)).toEqual({ ok: true });
    g.nodes[0] = { id: 'hook', type: 'manual', config: {} };
    expect(errorsOf(g)).toEqual([
      expect.objectContaining({
        code: 'webhook_response_mismatch',
        path: 'nodes.5.type',
        nodeId: 'reply',
      }),
    ]);
    const waiting = aWorkflow();
    waiting.nodes[0].config = { responseMode: 'respond_node' };
    expect(errorsOf(waiting)).toEqual([
      expect.objectContaining({ code: 'webhook_response_mismatch', nodeId: 'hook' }),
    ]);
  });

  it('words the problems of a fresh or empty field as one plain sentence naming the field', () => {
    const g = aWorkflow();
    g.nodes[1].config = {}; // a fresh HTTP request step
    g.nodes[2].config = { condition: '' };
    g.nodes.push({ id: 'calc', type: 'transform', config: {} });
    g.edges.push({ id: 'e5', source: 'fetch', target: 'calc' });
    expect(errorsOf(g).map((e) => [e.path, e.message])).toEqual([
      ['nodes.1.config.url', 'URL is required'],
      ['nodes.2.config.condition', 'Condition is required'],
      ['nodes.5.config.expression', 'Output is required'],
    ]);
    // A field filled in and emptied again reads the same, not as a format rule.
    g.nodes[1].config = { url: ' ' };
    g.nodes[2].config = { condition: '' };
    g.nodes[5].config = { expression: '' };
    expect(errorsOf(g).map((e) => [e.path, e.message])).toEqual([
      ['nodes.1.config.url', 'URL is required'],
      ['nodes.2.config.condition', 'Condition is required'],
      ['nodes.5.config.expression', 'Output is required'],
    ]);
    g.nodes[1].config = { url: 'example.com/x' };
    expect(errorsOf(g).map((e) => e.message)).toContain('must be an http:// or https:// URL');
  });

  it('asks for {{ }} around an If condition written as plain text', () => {
    const g = aWorkflow();
    g.nodes[2].config = { condition: 'steps.fetch.status = 200' };
    expect(errorsOf(g).map((e) => e.message)).toEqual([
      'Condition is plain text; write the expression in {{ }}, e.g. {{ steps.fetch.status = 200 }}',
    ]);
    g.nodes[2].config = { condition: 'true' };
    expect(validateGraph(g)).toEqual({ ok: true });
  });
});
