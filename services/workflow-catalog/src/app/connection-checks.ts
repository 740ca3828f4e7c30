import {
  CONNECTION_FIELD_KEYWORD,
  type ConnectionCheckItem,
  type ConnectionFieldAnnotation,
  type WorkflowGraph,
} from '@flowgenie/contracts';
import { nodeTypes, type NodeTypeRegistry } from '@flowgenie/workflow';
import { InvalidGraphError, type ProblemDetail } from '../domain/errors';
import type { ConnectionChecker } from '../ports/connection-checker';

/** A config field naming a connection (`x-connection`), with what its step needs. */
interface ConnectionRef {
  path: string;
  nodeId: string;
  connectionId: string;
  providers: ConnectionFieldAnnotation['providers'];
  scopes?: string[];
}

/**
 * - `publish`: a connection that does not exist (or is another user's), of the wrong provider or
 *   lacking a scope is refused; a revoked or expired one is let through (reconnecting keeps its id).
 * - `activate`: a connection that cannot work right now is refused too.
 */
export type ConnectionStage = 'publish' | 'activate';

/** Connection fields holding a literal id; empty fields and `{{ }}` expressions are left to run time. */
export function connectionRefs(
  graph: WorkflowGraph,
  registry: NodeTypeRegistry = nodeTypes,
): ConnectionRef[] {
  const refs: ConnectionRef[] = [];
  graph.nodes.forEach((node, i) => {
    const props = (registry.get(node.type)?.configSchema.properties ?? {}) as Record<
      string,
      Record<string, unknown> | undefined
    >;
    for (const [field, schema] of Object.entries(props)) {
      const annotation = schema?.[CONNECTION_FIELD_KEYWORD] as
        ConnectionFieldAnnotation | undefined;
      const value = node.config?.[field];
      if (!annotation?.providers?.length || typeof value !== 'string') continue;
      if (value.trim() === '' || value.includes('{{')) continue;
      refs.push({
        path: `nodes.${i}.config.${field}`,
        nodeId: node.id,
        connectionId: value.trim(),
        providers: annotation.providers,
        ...(annotation.scopes?.length ? { scopes: annotation.scopes } : {}),
      });
    }
  });
  return refs;
}

const RECONNECT = 'reconnect it in Connections, or pick another connection';

function problemOf(
  ref: ConnectionRef,
  result: ConnectionCheckItem,
  stage: ConnectionStage,
): ProblemDetail | undefined {
  const at = { path: ref.path, nodeId: ref.nodeId };
  switch (result.result) {
    case 'ok':
      return undefined;
    case 'not_found':
      return {
        ...at,
        code: 'unknown_connection',
        message: 'connection not found: pick one of your connections',
      };
    case 'wrong_provider':
      return {
        ...at,
        code: 'connection_wrong_provider',
        message: `this step needs a ${ref.providers.join(' or ')} connection, not ${result.provider ?? 'this one'}: pick another connection`,
      };
    case 'missing_scope':
      return {
        ...at,
        code: 'connection_missing_scope',
        message: `the connection was not granted ${(result.missingScopes ?? ref.scopes ?? []).join(', ')}: ${RECONNECT}`,
      };
    case 'revoked':
    case 'expired':
    case 'error':
      if (stage === 'publish') return undefined;
      return {
        ...at,
        code: `connection_${result.result}`,
        message: `the connection ${result.result === 'error' ? 'is not usable' : `was ${result.result}`}${result.reason ? ` (${result.reason})` : ''}: ${RECONNECT}`,
      };
  }
}

/**
 * What auth says about the graph's connections, as located problems (none when every one works).
 * @throws ConnectionsUnavailableError when auth cannot answer
 */
export async function connectionProblems(
  checker: ConnectionChecker,
  ownerId: string,
  graph: WorkflowGraph,
  stage: ConnectionStage,
): Promise<ProblemDetail[]> {
  const refs = connectionRefs(graph);
  if (refs.length === 0) return [];
  const results = await checker.check(
    ownerId,
    refs.map(({ connectionId, providers, scopes }) => ({
      connectionId,
      providers,
      ...(scopes ? { scopes } : {}),
    })),
  );
  return refs.flatMap((ref, i) => {
    const problem = problemOf(ref, results[i], stage);
    return problem ? [problem] : [];
  });
}

/** @throws InvalidGraphError locating every connection that would not work at `stage`. */
export async function assertConnectionsWork(
  checker: ConnectionChecker,
  ownerId: string,
  graph: WorkflowGraph,
  stage: ConnectionStage,
): Promise<void> {
  const problems = await connectionProblems(checker, ownerId, graph, stage);
  if (problems.length > 0) throw new InvalidGraphError(problems);
}
