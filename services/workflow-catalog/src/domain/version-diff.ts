import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from '@flowgenie/contracts';
import { canonicalJson } from './graph';

export interface FieldChange {
  /** `name`, `type`, `config.<field>` or `retry`. */
  path: string;
  before: unknown;
  after: unknown;
}

export interface NodeRef {
  id: string;
  type: string;
  name?: string;
}

export interface EdgeRef {
  source: string;
  sourceHandle: string;
  target: string;
}

export interface GraphDiff {
  nodes: {
    added: NodeRef[];
    removed: NodeRef[];
    changed: { id: string; type: string; changes: FieldChange[] }[];
  };
  edges: { added: EdgeRef[]; removed: EdgeRef[] };
  notes: { added: number; removed: number; changed: number };
  /** Nothing a run would see differs (positions and sticky notes are not part of a run). */
  same: boolean;
}

const nodeRef = (n: WorkflowNode): NodeRef => ({
  id: n.id,
  type: n.type,
  ...(n.name ? { name: n.name } : {}),
});
const edgeRef = (e: WorkflowEdge): EdgeRef => ({
  source: e.source,
  sourceHandle: e.sourceHandle ?? 'main',
  target: e.target,
});
const edgeKey = (e: EdgeRef) => `${e.source}\u0000${e.sourceHandle}\u0000${e.target}`;
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

function fieldChanges(before: WorkflowNode, after: WorkflowNode): FieldChange[] {
  const changes: FieldChange[] = [];
  if (before.type !== after.type)
    changes.push({ path: 'type', before: before.type, after: after.type });
  if ((before.name ?? '') !== (after.name ?? ''))
    changes.push({ path: 'name', before: before.name ?? '', after: after.name ?? '' });
  const keys = [...new Set([...Object.keys(before.config), ...Object.keys(after.config)])].sort();
  for (const key of keys) {
    const [a, b] = [before.config[key], after.config[key]];
    if (!same(a, b)) changes.push({ path: `config.${key}`, before: a ?? null, after: b ?? null });
  }
  if (!same(before.retry ?? null, after.retry ?? null))
    changes.push({ path: 'retry', before: before.retry ?? null, after: after.retry ?? null });
  return changes;
}

/**
 * What changed from `before` to `after`: steps matched by id (a renamed id is a removal and an
 * addition, as expressions see it), connections by source, output and target. Both graphs must
 * already have their secrets masked, so a changed secret shows as the placeholder on both sides.
 */
export function diffGraphs(before: WorkflowGraph, after: WorkflowGraph): GraphDiff {
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const next = new Map(after.nodes.map((n) => [n.id, n]));
  const added = after.nodes.filter((n) => !old.has(n.id)).map(nodeRef);
  const removed = before.nodes.filter((n) => !next.has(n.id)).map(nodeRef);
  const changed = after.nodes.flatMap((n) => {
    const prev = old.get(n.id);
    if (!prev) return [];
    const changes = fieldChanges(prev, n);
    return changes.length > 0 ? [{ id: n.id, type: n.type, changes }] : [];
  });

  const oldEdges = new Map(before.edges.map((e) => [edgeKey(edgeRef(e)), edgeRef(e)]));
  const newEdges = new Map(after.edges.map((e) => [edgeKey(edgeRef(e)), edgeRef(e)]));
  const edgesAdded = [...newEdges].filter(([k]) => !oldEdges.has(k)).map(([, e]) => e);
  const edgesRemoved = [...oldEdges].filter(([k]) => !newEdges.has(k)).map(([, e]) => e);

  const oldNotes = new Map((before.notes ?? []).map((n) => [n.id, n]));
  const newNotes = new Map((after.notes ?? []).map((n) => [n.id, n]));
  const notes = {
    added: [...newNotes.keys()].filter((id) => !oldNotes.has(id)).length,
    removed: [...oldNotes.keys()].filter((id) => !newNotes.has(id)).length,
    changed: [...newNotes].filter(
      ([id, n]) => oldNotes.has(id) && oldNotes.get(id)?.text !== n.text,
    ).length,
  };

  return {
    nodes: { added, removed, changed },
    edges: { added: edgesAdded, removed: edgesRemoved },
    notes,
    same:
      added.length + removed.length + changed.length + edgesAdded.length + edgesRemoved.length ===
      0,
  };
}
