import { z } from 'zod';
import type { JsonSchema, NodeType } from './node-type';
import { nodeTypes, type NodeTypeRegistry } from './registry';

import { SECRET_PLACEHOLDER } from '@flowgenie/contracts';

/** Secrets are write-only: a client sends the placeholder back to mean "keep the stored value". */
export { SECRET_PLACEHOLDER };

/** One secret config field of one node: `graph.nodes[id = nodeId].config[field]`. */
export interface SecretRef {
  nodeId: string;
  field: string;
}

/** The parts of a graph the secret helpers read (parsed or raw). */
interface SecretGraph<N extends SecretNode = SecretNode> {
  nodes: readonly N[];
}
interface SecretNode {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

/**
 * Top-level config keys a node type marks secret (`secretField` in `.meta()`: `x-secret: true`
 * or `format: "password"` in its config JSON Schema). Nested secrets are not supported.
 * An unknown node type (undefined) has none.
 */
export function secretFields(nodeType: Pick<NodeType, 'configSchema'> | undefined): string[] {
  const props = (nodeType?.configSchema.properties ?? {}) as Record<string, JsonSchema | undefined>;
  return Object.entries(props)
    .filter(([, schema]) => schema?.['x-secret'] === true || schema?.format === 'password')
    .map(([key]) => key);
}

/** Whether a secret field holds a value worth hiding (not missing, null or empty). */
export function isSecretSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Every secret config field that holds a value, in node order. */
export function secretPaths(
  graph: SecretGraph,
  registry: NodeTypeRegistry = nodeTypes,
): SecretRef[] {
  const refs: SecretRef[] = [];
  for (const node of graph.nodes) {
    for (const field of secretFields(registry.get(node.type))) {
      if (isSecretSet(node.config[field])) refs.push({ nodeId: node.id, field });
    }
  }
  return refs;
}

/**
 * A copy of the graph fit to show a client: each secret config value that is set becomes
 * {@link SECRET_PLACEHOLDER}. Unset secrets and every other field are left as they are.
 *
 * @example maskSecrets(graph).nodes[0].config.hmacSecret // '__secret__'
 */
export function maskSecrets<G extends SecretGraph>(
  graph: G,
  registry: NodeTypeRegistry = nodeTypes,
): G {
  const nodes = graph.nodes.map((node) => {
    const masked = secretFields(registry.get(node.type)).filter((f) => isSecretSet(node.config[f]));
    if (masked.length === 0) return node;
    const config = { ...node.config };
    for (const field of masked) config[field] = SECRET_PLACEHOLDER;
    return { ...node, config };
  });
  return { ...graph, nodes };
}

/**
 * Resolves placeholders in a graph a client sent. A secret field equal to
 * {@link SECRET_PLACEHOLDER} takes the value stored for the same node id and field, when the
 * stored node has the same type and the value is set; otherwise the field is removed (unset)
 * and reported in `unset`. Any other value (a new secret, or the field left out) wins as sent.
 * Pass `stored: null` for a new workflow (create, import): every placeholder becomes unset.
 */
export function restoreSecrets<G extends SecretGraph>(
  incoming: G,
  stored: SecretGraph | null,
  registry: NodeTypeRegistry = nodeTypes,
): { graph: G; unset: SecretRef[] } {
  const storedById = new Map<string, SecretNode>();
  for (const node of stored?.nodes ?? [])
    if (!storedById.has(node.id)) storedById.set(node.id, node);
  const unset: SecretRef[] = [];
  const nodes = incoming.nodes.map((node) => {
    const placeholders = secretFields(registry.get(node.type)).filter(
      (f) => node.config[f] === SECRET_PLACEHOLDER,
    );
    if (placeholders.length === 0) return node;
    const previous = storedById.get(node.id);
    const config = { ...node.config };
    for (const field of placeholders) {
      const value = previous?.type === node.type ? previous.config[field] : undefined;
      if (isSecretSet(value) && value !== SECRET_PLACEHOLDER) {
        config[field] = value;
      } else {
        delete config[field];
        unset.push({ nodeId: node.id, field });
      }
    }
    return { ...node, config };
  });
  return { graph: { ...incoming, nodes }, unset };
}

/** A secret field whose value is not acceptable (checked before it is sealed, since a sealed value can no longer be). */
export interface SecretFieldProblem extends SecretRef {
  /** `nodes.<index>.config.<field>` */
  path: string;
  message: string;
}

/**
 * A copy of the graph with every set secret value that `isSealed` does not recognise checked
 * against its field's schema and replaced by `seal(value)`. Values already sealed are kept.
 * Problems (a secret too short, say) are returned instead of sealed.
 */
export async function sealSecrets<G extends SecretGraph>(
  graph: G,
  seal: (value: string, ref: SecretRef) => Promise<string>,
  isSealed: (value: unknown) => boolean,
  registry: NodeTypeRegistry = nodeTypes,
): Promise<{ graph: G; problems: SecretFieldProblem[] }> {
  const problems: SecretFieldProblem[] = [];
  const nodes = await Promise.all(
    graph.nodes.map(async (node, index) => {
      const nodeType = registry.get(node.type);
      const open = secretFields(nodeType).filter(
        (f) =>
          isSecretSet(node.config[f]) &&
          node.config[f] !== SECRET_PLACEHOLDER &&
          !isSealed(node.config[f]),
      );
      if (open.length === 0) return node;
      const config = { ...node.config };
      // Secret fields are top-level config keys (see secretFields), so the object's own shape has them.
      const shape =
        nodeType?.config instanceof z.ZodObject
          ? (nodeType.config.shape as Record<string, z.ZodType>)
          : {};
      for (const field of open) {
        const path = `nodes.${index}.config.${field}`;
        const checked = shape[field]?.safeParse(config[field]);
        if (checked && !checked.success) {
          problems.push({
            nodeId: node.id,
            field,
            path,
            message: `${field}: ${checked.error?.issues[0]?.message ?? 'invalid'}`,
          });
          continue;
        }
        if (typeof config[field] !== 'string') {
          problems.push({ nodeId: node.id, field, path, message: `${field}: must be a string` });
          continue;
        }
        config[field] = await seal(config[field] as string, { nodeId: node.id, field });
      }
      return { ...node, config };
    }),
  );
  return { graph: { ...graph, nodes }, problems };
}
