import { WorkflowGraphSchema, type WorkflowGraph } from '@flowgenie/contracts';
import { parseExpressions, referencedSteps, type FoundExpression } from './expressions';
import { findCycle, upstreamLookup } from './graph';
import type { ExpressionError } from './errors';
import { hasTemplate } from './template';
import { ENUM_LABELS_KEYWORD, type JsonSchema, type NodeType } from './node-type';
import { nodeTypes, type NodeTypeRegistry } from './registry';

export type GraphErrorCode =
  | 'invalid_shape'
  | 'duplicate_node_id'
  | 'duplicate_edge_id'
  | 'duplicate_edge'
  | 'unknown_node_type'
  | 'missing_trigger'
  | 'multiple_triggers'
  | 'unknown_edge_source'
  | 'unknown_edge_target'
  | 'unknown_source_handle'
  | 'edge_into_trigger'
  | 'cycle'
  | 'invalid_config'
  | 'invalid_expression'
  | 'expression_not_allowed'
  | 'unknown_step_reference'
  | 'step_not_upstream'
  | 'webhook_response_mismatch';

/** One problem, located by a dotted path into the graph JSON (e.g. `nodes.2.config.url`). */
export interface GraphValidationError {
  code: GraphErrorCode;
  path: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
}

export type GraphValidationResult = { ok: true } | { ok: false; errors: GraphValidationError[] };

/**
 * Check a workflow graph before it is saved or published. Returns every problem found, each
 * with a path into the graph and, where it applies, the node or edge id. Accepts unparsed
 * JSON: the shape is checked first with `WorkflowGraphSchema`.
 *
 * Config fields holding `{{ }}` are not checked against the schema (their value is only known
 * at run time); their expressions must parse and may read `trigger` and upstream `steps.<id>` only.
 *
 * @example
 * ```ts
 * const result = validateGraph(body.graph);
 * if (!result.ok) return res.status(422).json({ errors: result.errors });
 * ```
 */
export function validateGraph(
  input: unknown,
  options: { registry?: NodeTypeRegistry } = {},
): GraphValidationResult {
  const parsed = WorkflowGraphSchema.safeParse(input);
  if (!parsed.success) {
    const nodes = (input as { nodes?: unknown })?.nodes;
    const errors = parsed.error.issues.map((issue): GraphValidationError => {
      const nodeId =
        issue.path[0] === 'nodes' && Array.isArray(nodes) && typeof issue.path[1] === 'number'
          ? (nodes[issue.path[1]] as { id?: unknown } | undefined)?.id
          : undefined;
      return {
        code: 'invalid_shape',
        path: issue.path.join('.'),
        message: issue.message,
        ...(typeof nodeId === 'string' ? { nodeId } : {}),
      };
    });
    return { ok: false, errors };
  }
  const errors = new GraphChecker(parsed.data, options.registry ?? nodeTypes).run();
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

class GraphChecker {
  readonly errors: GraphValidationError[] = [];
  readonly indexById = new Map<string, number>();
  readonly typeById = new Map<string, NodeType>();
  readonly upstreamOf: (nodeId: string) => string[];

  constructor(
    readonly graph: WorkflowGraph,
    readonly registry: NodeTypeRegistry,
  ) {
    this.upstreamOf = upstreamLookup(graph);
  }

  run(): GraphValidationError[] {
    const triggers = this.checkNodes();
    this.checkTriggers(triggers);
    this.checkEdges();
    // Edges into a trigger are reported already; leave them out so they do not also form a cycle.
    const edges = this.graph.edges.filter(
      (e) => this.typeById.get(e.target)?.category !== 'trigger',
    );
    const cycle = findCycle({ nodes: this.graph.nodes, edges });
    if (cycle) {
      this.add(
        'cycle',
        `nodes.${this.indexById.get(cycle[0])}`,
        `steps form a cycle: ${cycle.join(' → ')}`,
        {
          nodeId: cycle[0],
        },
      );
    }
    this.graph.nodes.forEach((node, i) => {
      const type = this.registry.get(node.type);
      if (type && this.indexById.get(node.id) === i) this.checkConfig(node, i, type);
    });
    if (triggers.length === 1) this.checkWebhookResponse(triggers[0]);
    return this.errors;
  }

  private add(
    code: GraphErrorCode,
    path: string,
    message: string,
    ids: { nodeId?: string; edgeId?: string } = {},
  ) {
    this.errors.push({ code, path, message, ...ids });
  }

  private checkNodes(): number[] {
    const triggers: number[] = [];
    this.graph.nodes.forEach((node, i) => {
      if (this.indexById.has(node.id)) {
        this.add(
          'duplicate_node_id',
          `nodes.${i}.id`,
          `node id "${node.id}" is used more than once`,
          {
            nodeId: node.id,
          },
        );
      } else {
        this.indexById.set(node.id, i);
      }
      const type = this.registry.get(node.type);
      if (!type) {
        this.add('unknown_node_type', `nodes.${i}.type`, `unknown node type "${node.type}"`, {
          nodeId: node.id,
        });
        return;
      }
      if (!this.typeById.has(node.id)) this.typeById.set(node.id, type);
      if (type.category === 'trigger') triggers.push(i);
    });
    return triggers;
  }

  private checkTriggers(triggers: number[]) {
    if (triggers.length === 0) {
      this.add(
        'missing_trigger',
        'nodes',
        'a workflow needs exactly one trigger node; it has none',
      );
    }
    const first = this.graph.nodes[triggers[0]];
    for (const i of triggers.slice(1)) {
      const node = this.graph.nodes[i];
      this.add(
        'multiple_triggers',
        `nodes.${i}.type`,
        `a workflow has exactly one trigger; "${node.id}" is a second one besides "${first.id}"`,
        { nodeId: node.id },
      );
    }
  }

  private checkEdges() {
    const edgeIds = new Set<string>();
    const connections = new Set<string>();
    this.graph.edges.forEach((edge, i) => {
      const at = `edges.${i}`;
      const ids = { edgeId: edge.id };
      if (edgeIds.has(edge.id))
        this.add(
          'duplicate_edge_id',
          `${at}.id`,
          `edge id "${edge.id}" is used more than once`,
          ids,
        );
      edgeIds.add(edge.id);
      const sourceType = this.typeById.get(edge.source);
      if (!this.indexById.has(edge.source)) {
        this.add(
          'unknown_edge_source',
          `${at}.source`,
          `edge "${edge.id}" starts at unknown node "${edge.source}"`,
          ids,
        );
      } else if (sourceType && !sourceType.outputs.includes(edge.sourceHandle)) {
        this.add(
          'unknown_source_handle',
          `${at}.sourceHandle`,
          `node "${edge.source}" (${sourceType.type}) has no output "${edge.sourceHandle}"; its outputs are ${sourceType.outputs.map((o) => `"${o}"`).join(', ')}`,
          { ...ids, nodeId: edge.source },
        );
      }
      if (!this.indexById.has(edge.target)) {
        this.add(
          'unknown_edge_target',
          `${at}.target`,
          `edge "${edge.id}" ends at unknown node "${edge.target}"`,
          ids,
        );
      } else if (this.typeById.get(edge.target)?.category === 'trigger') {
        this.add(
          'edge_into_trigger',
          `${at}.target`,
          `edge "${edge.id}" goes into trigger "${edge.target}"; triggers have no inputs`,
          {
            ...ids,
            nodeId: edge.target,
          },
        );
      }
      const key = `${edge.source}\u0000${edge.sourceHandle}\u0000${edge.target}`;
      if (connections.has(key)) {
        this.add(
          'duplicate_edge',
          at,
          `edge "${edge.id}" repeats a connection from "${edge.source}" (${edge.sourceHandle}) to "${edge.target}"`,
          ids,
        );
      }
      connections.add(key);
    });
  }

  private checkConfig(node: WorkflowGraph['nodes'][number], i: number, type: NodeType) {
    const at = (p: string) => `nodes.${i}.config${p ? `.${p}` : ''}`;
    const ids = { nodeId: node.id };
    const found = parseExpressions(node.config);
    // Only an expression naming a step needs the steps before this one.
    let upstream: Set<string> | undefined;
    const upstreamSet = () => (upstream ??= new Set(this.upstreamOf(node.id)));
    const templated: FoundExpression[] = [];
    for (const expr of found) {
      if (type.category === 'trigger') {
        this.add(
          'expression_not_allowed',
          at(expr.path),
          'trigger settings cannot use {{ }} expressions',
          ids,
        );
        continue;
      }
      templated.push(expr);
      if (expr.error) {
        this.add(
          'invalid_expression',
          at(expr.path),
          expressionProblem(expr.path, expr.error, type),
          ids,
        );
        continue;
      }
      this.checkReferences(node.id, upstreamSet, expr, at(expr.path));
    }
    for (const key of type.expressionOnlyFields ?? []) {
      const v = node.config[key];
      if (
        typeof v === 'string' &&
        v.trim() !== '' &&
        !hasTemplate(v) &&
        !/^(true|false)$/.test(v.trim())
      )
        this.add(
          'invalid_config',
          at(key),
          `${fieldTitle(type.configSchema, [key])} is plain text; write the expression in {{ }}, e.g. {{ ${v.trim()} }}`,
          ids,
        );
    }
    const result = type.config.safeParse(node.config);
    if (result.success) return;
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const dynamic = templated.some((e) => path === e.path || path.startsWith(`${e.path}.`));
      if (!dynamic)
        this.add('invalid_config', at(path), configIssueMessage(issue, type, node.config), ids);
    }
  }

  private checkReferences(
    nodeId: string,
    upstream: () => Set<string>,
    expr: FoundExpression,
    path: string,
  ) {
    for (const ref of referencedSteps(expr.expression)) {
      if (!this.indexById.has(ref)) {
        this.add(
          'unknown_step_reference',
          path,
          `{{ ${expr.expression} }} refers to unknown step "${ref}"`,
          { nodeId },
        );
      } else if (ref === nodeId) {
        this.add(
          'step_not_upstream',
          path,
          `{{ ${expr.expression} }} refers to this step's own output`,
          { nodeId },
        );
      } else if (!upstream().has(ref)) {
        this.add(
          'step_not_upstream',
          path,
          `{{ ${expr.expression} }} refers to step "${ref}", which does not run before "${nodeId}"`,
          { nodeId },
        );
      }
    }
  }

  /** A respond_to_webhook step needs a webhook trigger that waits for it, and vice versa. */
  private checkWebhookResponse(triggerIndex: number) {
    const trigger = this.graph.nodes[triggerIndex];
    const responders = this.graph.nodes
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => n.type === 'respond_to_webhook');
    if (trigger.type !== 'webhook') {
      for (const { n, i } of responders) {
        this.add(
          'webhook_response_mismatch',
          `nodes.${i}.type`,
          `"${n.id}" responds to a webhook, but the trigger "${trigger.id}" is not a webhook`,
          {
            nodeId: n.id,
          },
        );
      }
      return;
    }
    const mode = trigger.config.responseMode ?? 'immediately';
    const at = `nodes.${triggerIndex}.config.responseMode`;
    if (mode === 'immediately' && responders.length > 0) {
      this.add(
        'webhook_response_mismatch',
        at,
        `the webhook answers immediately, so "${responders[0].n.id}" could never respond; set ${responseModeLabel(this.registry)}`,
        { nodeId: trigger.id },
      );
    }
    if (mode === 'respond_node' && responders.length === 0) {
      this.add(
        'webhook_response_mismatch',
        at,
        'the webhook waits for a "Respond to webhook" step, but the workflow has none',
        {
          nodeId: trigger.id,
        },
      );
    }
  }
}

/**
 * What a user reads for a config problem: a missing or emptied value names the field ("URL is
 * required") instead of zod's "Invalid input: expected string, received undefined" or a format
 * rule ("must be an http:// or https:// URL") about a field the user has not filled in yet.
 */
function configIssueMessage(
  issue: { code: string; path: PropertyKey[]; message: string; input?: unknown },
  type: NodeType,
  config: Record<string, unknown>,
): string {
  if (issue.path.length === 0) return issue.message;
  const missing =
    issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  const raw = issue.path.reduce<unknown>(
    (v, key) =>
      v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined,
    config,
  );
  const emptied = typeof raw === 'string' && raw.trim() === '';
  if (!missing && !emptied) return issue.message;
  return `${fieldTitle(type.configSchema, issue.path.map(String))} is required`;
}

/**
 * What a user reads for an expression that does not parse, beside the field: the field's title
 * (not its config key) and what is wrong, counting characters from 1 as an editor does, e.g.
 * "Output has an empty {{ }} at character 8" or "URL: {{ trigger.body. }} is incomplete: …".
 */
function expressionProblem(path: string, error: ExpressionError, type: NodeType): string {
  const title = fieldTitle(type.configSchema, path.split('.').filter(Boolean));
  if (error.code === 'template') {
    const at = error.position !== undefined ? ` at character ${error.position + 1}` : '';
    return error.reason.startsWith('unterminated')
      ? `${title} has a {{ that is never closed with }}${at}`
      : `${title} has an empty {{ }}${at}: write an expression inside, e.g. {{ trigger.body }}`;
  }
  return `${title}: {{ ${error.expression} }} does not parse: ${error.reason}`;
}

/** The title the builder shows for a config field, else its key in words. */
function fieldTitle(schema: JsonSchema, path: string[]): string {
  let s: JsonSchema | undefined = schema;
  for (const key of path) {
    const props = s?.properties as Record<string, JsonSchema> | undefined;
    s = props?.[key];
  }
  if (typeof s?.title === 'string' && s.title) return s.title;
  const last = path[path.length - 1] ?? 'value';
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `“Respond” to “From a …”`: the builder's label of the webhook's "wait for a Respond to webhook step" mode. */
function responseModeLabel(registry: NodeTypeRegistry): string {
  const mode = (
    registry.get('webhook')?.configSchema.properties as Record<string, JsonSchema> | undefined
  )?.responseMode;
  const labels = mode?.[ENUM_LABELS_KEYWORD] as Record<string, string> | undefined;
  const title = typeof mode?.title === 'string' ? mode.title : 'Response mode';
  return `“${title}” to “${labels?.respond_node ?? 'respond_node'}”`;
}
