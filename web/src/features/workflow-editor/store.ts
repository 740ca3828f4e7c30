import { create } from 'zustand';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import type { WorkflowGraph } from '@flowgenie/contracts';
import type { ValidationError, WorkflowSummary } from '../../lib/api-types';
import {
  EMPTY_VALIDATION,
  LAYER_GAP,
  ROW_GAP,
  autoLayout,
  edgeId,
  fromApiGraph,
  indexValidation,
  isValidNodeId,
  newNodeId,
  toApiGraph,
  toEditorEdge,
  wouldCreateCycle,
  type KindOf,
  type NodeKind,
  type StepNodeData,
  type ValidationIndex,
} from './graph';

export type TriggerFlowNode = Node<StepNodeData, 'trigger'>;
export type ActionFlowNode = Node<StepNodeData, 'action'>;
export type BranchFlowNode = Node<StepNodeData, 'branch'>;
/** Canvas nodes: a discriminated union on the drawing kind; `data.nodeType` is the catalog type. */
export type FlowNode = TriggerFlowNode | ActionFlowNode | BranchFlowNode;
export type FlowEdge = Edge;

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'offline' | 'error';

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export const HISTORY_LIMIT = 100;
/** Typing in one field within this window is one undo step. */
export const COALESCE_MS = 1500;
const PASTE_OFFSET = 40;

export interface EditorState {
  workflowId: string | null;
  name: string;
  /** The workflow as last returned by the API (versions, activation, hook path), without its graph. */
  meta: WorkflowSummary | null;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** The single selected node (the side panel shows it), null for none or several. */
  selectedNodeId: string | null;
  past: Snapshot[];
  future: Snapshot[];
  clipboard: Snapshot | null;
  /** Bumped by every change that must be saved; the autosave compares it to `savedRevision`. */
  revision: number;
  savedRevision: number;
  saveState: SaveState;
  saveError: string | null;
  validation: ValidationIndex;
  /** Internal bookkeeping for history coalescing and drags. */
  lastHistory: { key: string; at: number } | null;
  dragging: boolean;
  pasteCount: number;

  load: (
    workflowId: string,
    name: string,
    graph: Partial<WorkflowGraph> | null | undefined,
    kindOf: KindOf,
  ) => void;
  reset: () => void;
  setMeta: (meta: WorkflowSummary) => void;
  /** Replace the graph with one restored from this device (undoable, saved like an edit). */
  restoreGraph: (name: string, graph: Partial<WorkflowGraph>, kindOf: KindOf) => void;
  setName: (name: string) => void;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect: (connection: Connection) => void;
  isValidConnection: (connection: Connection | FlowEdge) => boolean;
  addNode: (
    nodeType: string,
    kind: NodeKind,
    options?: { position?: { x: number; y: number }; after?: { nodeId: string; handle: string } },
  ) => string;
  updateConfig: (nodeId: string, config: Record<string, unknown>, coalesceKey?: string) => void;
  updateNode: (
    nodeId: string,
    patch: Partial<Pick<StepNodeData, 'name' | 'retry'>>,
    coalesceKey?: string,
  ) => void;
  /** Change a node's id (its expression name); rewrites `steps.<old>` references. Returns an error or null. */
  renameNodeId: (oldId: string, newId: string) => string | null;
  select: (nodeId: string | null) => void;
  deleteNode: (nodeId: string) => void;
  deleteSelection: () => void;
  copySelection: () => number;
  paste: () => number;
  undo: () => void;
  redo: () => void;
  tidy: () => void;
  setValidation: (errors: readonly ValidationError[]) => void;
  setSaveState: (state: SaveState, error?: string | null, savedRevision?: number) => void;
  /** The graph in the API's shape, as it would be saved now. */
  toGraph: () => WorkflowGraph;
}

const initial = {
  workflowId: null,
  name: '',
  meta: null,
  nodes: [] as FlowNode[],
  edges: [] as FlowEdge[],
  selectedNodeId: null,
  past: [] as Snapshot[],
  future: [] as Snapshot[],
  clipboard: null,
  revision: 0,
  savedRevision: 0,
  saveState: 'saved' as SaveState,
  saveError: null,
  validation: EMPTY_VALIDATION,
  lastHistory: null,
  dragging: false,
  pasteCount: 0,
};

function singleSelected(nodes: readonly FlowNode[]): string | null {
  let found: string | null = null;
  for (const n of nodes) {
    if (!n.selected) continue;
    if (found !== null) return null;
    found = n.id;
  }
  return found;
}

function rewriteRefs(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') {
    const re = new RegExp(`(\\bsteps\\s*\\.\\s*)${from}\\b`, 'g');
    return value.replace(re, `$1${to}`);
  }
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, from, to));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteRefs(v, from, to)]));
  }
  return value;
}

function cloneData(data: StepNodeData): StepNodeData {
  return structuredClone(data);
}

/**
 * The workflow editor's state: the graph on the canvas, selection, undo/redo history,
 * clipboard and save bookkeeping. Components select narrowly (`useEditorStore((s) => s.nodes.length)`);
 * callbacks live here, never in node `data`.
 */
export const useEditorStore = create<EditorState>()((set, get) => {
  /** Push the current graph onto the undo stack (optionally coalescing repeated edits). */
  const record = (coalesceKey?: string) => {
    const s = get();
    const now = Date.now();
    if (coalesceKey && s.lastHistory?.key === coalesceKey && now - s.lastHistory.at < COALESCE_MS) {
      set({ lastHistory: { key: coalesceKey, at: now }, future: [] });
      return;
    }
    const past = [...s.past, { nodes: s.nodes, edges: s.edges }];
    if (past.length > HISTORY_LIMIT) past.shift();
    set({ past, future: [], lastHistory: coalesceKey ? { key: coalesceKey, at: now } : null });
  };
  const changed = (patch: Partial<EditorState>) => {
    set({ ...patch, revision: get().revision + 1, saveState: 'unsaved', saveError: null });
  };
  const patchNode = (nodeId: string, fn: (n: FlowNode) => FlowNode) =>
    get().nodes.map((n) => (n.id === nodeId ? fn(n) : n));

  return {
    ...initial,

    load: (workflowId, name, graph, kindOf) => {
      const { nodes, edges } = fromApiGraph(graph, kindOf);
      set({ ...initial, workflowId, name, nodes: nodes as FlowNode[], edges });
    },

    reset: () => set({ ...initial }),

    setMeta: (meta) => {
      const { graph: _graph, ...rest } = meta as WorkflowSummary & { graph?: unknown };
      set({ meta: rest });
    },

    restoreGraph: (name, graph, kindOf) => {
      record();
      const { nodes, edges } = fromApiGraph(graph, kindOf);
      changed({ name, nodes: nodes as FlowNode[], edges, selectedNodeId: null });
    },

    setName: (name) => changed({ name }),

    onNodesChange: (changes) => {
      const s = get();
      let needsSave = false;
      let dragging = s.dragging;
      for (const c of changes) {
        if (c.type === 'position') {
          if (c.dragging && !dragging) {
            record();
            dragging = true;
          } else if (!c.dragging) {
            if (!dragging) record();
            dragging = false;
            needsSave = true;
          }
        } else if (c.type === 'remove' || c.type === 'add' || c.type === 'replace') {
          needsSave = true;
        }
      }
      const structural = changes.some(
        (c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace',
      );
      if (structural) record();
      const nodes = applyNodeChanges<FlowNode>(changes, get().nodes);
      let edges = get().edges;
      const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
      if (removed.size > 0)
        edges = edges.filter((e) => !removed.has(e.source) && !removed.has(e.target));
      const patch = { nodes, edges, dragging, selectedNodeId: singleSelected(nodes) };
      if (needsSave) changed(patch);
      else set(patch);
    },

    onEdgesChange: (changes) => {
      const structural = changes.some(
        (c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace',
      );
      if (structural) record();
      const edges = applyEdgeChanges<FlowEdge>(changes, get().edges);
      if (structural) changed({ edges });
      else set({ edges });
    },

    isValidConnection: (c) => {
      const { nodes, edges } = get();
      if (!c.source || !c.target || c.source === c.target) return false;
      const target = nodes.find((n) => n.id === c.target);
      if (!target || target.type === 'trigger') return false;
      const handle = c.sourceHandle ?? 'main';
      if (
        edges.some(
          (e) =>
            e.source === c.source && (e.sourceHandle ?? 'main') === handle && e.target === c.target,
        )
      ) {
        return false;
      }
      return !wouldCreateCycle(c.source, c.target, edges);
    },

    onConnect: (c) => {
      if (!get().isValidConnection(c)) return;
      record();
      const handle = c.sourceHandle ?? 'main';
      const edge = toEditorEdge({
        id: edgeId(c.source, handle, c.target),
        source: c.source,
        sourceHandle: handle,
        target: c.target,
      });
      changed({ edges: [...get().edges, edge] });
    },

    addNode: (nodeType, kind, options = {}) => {
      const s = get();
      const id = newNodeId(
        nodeType,
        s.nodes.map((n) => n.id),
      );
      let position = options.position;
      const after = options.after ? s.nodes.find((n) => n.id === options.after?.nodeId) : undefined;
      if (!position && after) {
        const siblings = s.edges.filter((e) => e.source === after.id).length;
        position = { x: after.position.x + LAYER_GAP, y: after.position.y + siblings * ROW_GAP };
      }
      if (!position) {
        const maxX = s.nodes.reduce((m, n) => Math.max(m, n.position.x), -LAYER_GAP);
        const last = s.nodes[s.nodes.length - 1];
        position = { x: maxX + LAYER_GAP, y: last?.position.y ?? 0 };
      }
      record();
      const node = {
        id,
        type: kind,
        position,
        selected: true,
        data: { nodeType, config: {} },
      } as FlowNode;
      const nodes = [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      let edges = s.edges.map((e) => (e.selected ? { ...e, selected: false } : e));
      if (after && options.after && kind !== 'trigger') {
        const handle = options.after.handle;
        edges = [
          ...edges,
          toEditorEdge({
            id: edgeId(after.id, handle, id),
            source: after.id,
            sourceHandle: handle,
            target: id,
          }),
        ];
      }
      changed({ nodes, edges, selectedNodeId: id });
      return id;
    },

    updateConfig: (nodeId, config, coalesceKey) => {
      record(coalesceKey ? `config:${nodeId}:${coalesceKey}` : undefined);
      changed({
        nodes: patchNode(nodeId, (n) => ({ ...n, data: { ...n.data, config } }) as FlowNode),
      });
    },

    updateNode: (nodeId, patch, coalesceKey) => {
      record(coalesceKey ? `node:${nodeId}:${coalesceKey}` : undefined);
      changed({
        nodes: patchNode(nodeId, (n) => {
          const data = { ...n.data, ...patch };
          if (!data.name) delete data.name;
          if (data.retry === undefined) delete data.retry;
          return { ...n, data } as FlowNode;
        }),
      });
    },

    renameNodeId: (oldId, newId) => {
      const s = get();
      if (oldId === newId) return null;
      if (!isValidNodeId(newId))
        return 'Use letters, digits and _ only, starting with a letter or _ (at most 64).';
      if (s.nodes.some((n) => n.id === newId)) return `Another step is already called "${newId}".`;
      record();
      const nodes = s.nodes.map((n) => {
        const config = rewriteRefs(n.data.config, oldId, newId) as Record<string, unknown>;
        return { ...n, id: n.id === oldId ? newId : n.id, data: { ...n.data, config } } as FlowNode;
      });
      const edges = s.edges.map((e) => {
        if (e.source !== oldId && e.target !== oldId) return e;
        const source = e.source === oldId ? newId : e.source;
        const target = e.target === oldId ? newId : e.target;
        const handle = e.sourceHandle ?? 'main';
        return { ...e, id: edgeId(source, handle, target), source, target };
      });
      changed({
        nodes,
        edges,
        selectedNodeId: s.selectedNodeId === oldId ? newId : s.selectedNodeId,
      });
      return null;
    },

    select: (nodeId) => {
      const nodes = get().nodes.map((n) => {
        const selected = n.id === nodeId;
        return n.selected === selected ? n : { ...n, selected };
      });
      const edges = get().edges.map((e) => (e.selected ? { ...e, selected: false } : e));
      set({ nodes, edges, selectedNodeId: nodeId });
    },

    deleteNode: (nodeId) => {
      record();
      const s = get();
      changed({
        nodes: s.nodes.filter((n) => n.id !== nodeId),
        edges: s.edges.filter((e) => e.source !== nodeId && e.target !== nodeId),
        selectedNodeId: s.selectedNodeId === nodeId ? null : s.selectedNodeId,
      });
    },

    deleteSelection: () => {
      const s = get();
      const gone = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
      const edges = s.edges.filter(
        (e) => !e.selected && !gone.has(e.source) && !gone.has(e.target),
      );
      if (gone.size === 0 && edges.length === s.edges.length) return;
      record();
      changed({ nodes: s.nodes.filter((n) => !gone.has(n.id)), edges, selectedNodeId: null });
    },

    copySelection: () => {
      const s = get();
      const nodes = s.nodes.filter((n) => n.selected);
      if (nodes.length === 0) return 0;
      const ids = new Set(nodes.map((n) => n.id));
      const edges = s.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
      set({
        clipboard: { nodes: nodes.map((n) => ({ ...n, data: cloneData(n.data) })), edges },
        pasteCount: 0,
      });
      return nodes.length;
    },

    paste: () => {
      const s = get();
      const clip = s.clipboard;
      if (!clip || clip.nodes.length === 0) return 0;
      const taken = s.nodes.map((n) => n.id);
      const idMap = new Map<string, string>();
      for (const n of clip.nodes) {
        const id = newNodeId(n.data.nodeType, [...taken, ...idMap.values()]);
        idMap.set(n.id, id);
      }
      const offset = PASTE_OFFSET * (s.pasteCount + 1);
      const pasted = clip.nodes.map((n) => {
        let config = cloneData(n.data).config;
        for (const [from, to] of idMap)
          config = rewriteRefs(config, from, to) as Record<string, unknown>;
        return {
          ...n,
          id: idMap.get(n.id) as string,
          position: { x: n.position.x + offset, y: n.position.y + offset },
          selected: true,
          dragging: false,
          data: { ...cloneData(n.data), config },
        } as FlowNode;
      });
      const pastedEdges = clip.edges.map((e) => {
        const source = idMap.get(e.source) as string;
        const target = idMap.get(e.target) as string;
        return {
          ...toEditorEdge({ source, target, sourceHandle: e.sourceHandle }),
          selected: false,
        };
      });
      record();
      changed({
        nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...pasted],
        edges: [
          ...s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
          ...pastedEdges,
        ],
        selectedNodeId: pasted.length === 1 ? pasted[0].id : null,
        pasteCount: s.pasteCount + 1,
      });
      return pasted.length;
    },

    undo: () => {
      const s = get();
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      changed({
        past: s.past.slice(0, -1),
        future: [...s.future, { nodes: s.nodes, edges: s.edges }],
        nodes: prev.nodes,
        edges: prev.edges,
        selectedNodeId: singleSelected(prev.nodes),
        lastHistory: null,
        dragging: false,
      });
    },

    redo: () => {
      const s = get();
      const next = s.future[s.future.length - 1];
      if (!next) return;
      changed({
        future: s.future.slice(0, -1),
        past: [...s.past, { nodes: s.nodes, edges: s.edges }],
        nodes: next.nodes,
        edges: next.edges,
        selectedNodeId: singleSelected(next.nodes),
        lastHistory: null,
        dragging: false,
      });
    },

    tidy: () => {
      record();
      changed({ nodes: autoLayout(get().nodes, get().edges) });
    },

    setValidation: (errors) => {
      set({
        validation: indexValidation(
          errors,
          get().nodes.map((n) => n.id),
        ),
      });
    },

    setSaveState: (saveState, error = null, savedRevision) => {
      set({
        saveState,
        saveError: error,
        ...(savedRevision !== undefined ? { savedRevision } : {}),
      });
    },

    toGraph: () => toApiGraph(get().nodes, get().edges),
  };
});

export const selectCanUndo = (s: EditorState) => s.past.length > 0;
export const selectCanRedo = (s: EditorState) => s.future.length > 0;
