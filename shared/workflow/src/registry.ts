import type { JsonSchema, NodeCategory, NodeType } from './node-type';
import type { GraphShape, NodeOf } from './graph';
import { coreNodeTypes } from './node-types';

/** What the builder and the catalog API show for a node type (JSON-serialisable). */
export interface NodeTypeDescription {
  type: string;
  version: number;
  category: NodeCategory;
  displayName: string;
  description: string;
  /** JSON Schema of the config form; secret fields carry `format: password` and `x-secret: true`. */
  configSchema: JsonSchema;
  outputs: string[];
  outputSchema?: JsonSchema;
}

/**
 * A set of node types by `type`. The default {@link nodeTypes} holds the core types;
 * integrations (Gmail, Slack, …) register theirs into it or into a registry of their own.
 *
 * @example
 * ```ts
 * const registry = new NodeTypeRegistry(coreNodeTypes).register(gmailSendNode);
 * validateGraph(graph, { registry });
 * ```
 */
export class NodeTypeRegistry {
  readonly #types = new Map<string, NodeType>();

  constructor(types: Iterable<NodeType> = []) {
    for (const t of types) this.register(t);
  }

  /** Add a node type. @throws Error when the type name is already taken. */
  register(nodeType: NodeType): this {
    if (this.#types.has(nodeType.type))
      throw new Error(`node type "${nodeType.type}" is already registered`);
    this.#types.set(nodeType.type, nodeType);
    return this;
  }

  get(type: string): NodeType | undefined {
    return this.#types.get(type);
  }

  has(type: string): boolean {
    return this.#types.has(type);
  }

  all(): NodeType[] {
    return [...this.#types.values()];
  }

  describe(): NodeTypeDescription[] {
    return this.all().map(describeNodeType);
  }
}

export function describeNodeType(t: NodeType): NodeTypeDescription {
  return {
    type: t.type,
    version: t.version,
    category: t.category,
    displayName: t.displayName,
    description: t.description,
    configSchema: t.configSchema,
    outputs: [...t.outputs],
    ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
  };
}

/** The default registry, holding the core node types. */
export const nodeTypes = new NodeTypeRegistry(coreNodeTypes);

export function getNodeType(type: string): NodeType | undefined {
  return nodeTypes.get(type);
}

export function listNodeTypes(): NodeTypeDescription[] {
  return nodeTypes.describe();
}

/** The graph's trigger node (the first node whose type is a trigger), if any. */
export function triggerNode<G extends GraphShape>(
  graph: G,
  registry: NodeTypeRegistry = nodeTypes,
): NodeOf<G> | undefined {
  return graph.nodes.find((n) => registry.get(n.type)?.category === 'trigger');
}
