import { create } from 'zustand';
import {
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import type { WorkflowGraph } from '@flowgenie/contracts';
import type { ValidationError, WorkflowSummary } from '../../lib/api-types';
import {
  fromApiGraph,
  toApiGraph,
  type KindOf,
  type NodeKind,
  type StepNodeData,
} from '../../lib/graph';
import {
  isNoteId,
  NOTE_ID_PREFIX,
  NOTE_MIN_HEIGHT,
  NOTE_MIN_WIDTH,
  NOTE_SIZE_MAX,
  type CanvasNode,
  type FlowEdge,
  type FlowNode,
  type NoteFlowNode,
} from '../flow-canvas';
import * as edit from './graph/edits';
import { EMPTY_VALIDATION, indexValidation, type ValidationIndex } from './graph/validation';

export type SaveState = 'saved' | 'saving' | 'unsaved' | 'offline' | 'error';

interface Snapshot {
  nodes: FlowNode[];
  edges: FlowEdge[];
  notes?: NoteFlowNode[];
}

/** Sticky notes as the canvas draws them, from the API graph's `notes`. */
function notesFrom(graph: Partial<WorkflowGraph> | null | undefined): NoteFlowNode[] {
  return (graph?.notes ?? []).map((n) => ({
    id: n.id,
    type: 'note',
    position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
    // A size set by resizing (xyflow draws a node at `width`/`height` when given).
    ...(n.width !== undefined ? { width: n.width } : {}),
    ...(n.height !== undefined ? { height: n.height } : {}),
    data: { text: n.text ?? '' },
  }));
}

/**
 * A note's size as saved: at least the canvas's own minimums (160 × 80, above the graph schema's
 * 80 × 40) and at most the schema's 2000 (`WorkflowNoteSchema`), so a saved size always validates.
 */
const noteSize = (v: number | undefined, min: number) =>
  v === undefined ? undefined : Math.min(NOTE_SIZE_MAX, Math.max(min, Math.round(v)));

function notesToApi(notes: readonly NoteFlowNode[]): NonNullable<WorkflowGraph['notes']> {
  return notes.map((n) => ({
    id: n.id,
    text: n.data.text,
    position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    ...(n.width !== undefined ? { width: noteSize(n.width, NOTE_MIN_WIDTH) } : {}),
    ...(n.height !== undefined ? { height: noteSize(n.height, NOTE_MIN_HEIGHT) } : {}),
  }));
}

export const HISTORY_LIMIT = 100;
/** Typing in one field within this window is one undo step. */
export const COALESCE_MS = 1500;

export interface EditorState {
  workflowId: string | null;
  name: string;
  /** The workflow as last returned by the API (versions, activation, hook path), without its graph. */
  meta: WorkflowSummary | null;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Sticky notes: drawn on the canvas and saved with the draft, never steps. */
  notes: NoteFlowNode[];
  /** The step or note added last, for the canvas to bring into view. */
  lastAddedId: string | null;
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
  onNodesChange: (changes: NodeChange<CanvasNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect: (connection: Connection) => void;
  isValidConnection: (connection: Connection | FlowEdge) => boolean;
  /** Why the connection being dragged is refused (shown while dragging), else null. */
  connectionRefusal: string | null;
  setConnectionRefusal: (message: string | null) => void;
  addNode: (nodeType: string, kind: NodeKind, options?: edit.AddNodeOptions) => string;
  /** Adds an empty sticky note at a canvas position; returns its id. */
  addNote: (position: { x: number; y: number }) => string;
  setNoteText: (noteId: string, text: string) => void;
  updateConfig: (nodeId: string, config: Record<string, unknown>, coalesceKey?: string) => void;
  updateNode: (
    nodeId: string,
    patch: Partial<Pick<StepNodeData, 'name' | 'retry' | 'pinnedData'>>,
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
  notes: [] as NoteFlowNode[],
  lastAddedId: null as string | null,
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

/** The store's canvas graph as the framework-free edits see it, and back. */
const asGraph = (s: { nodes: FlowNode[]; edges: FlowEdge[] }): edit.EditorGraph =>
  ({ nodes: s.nodes, edges: s.edges }) as edit.EditorGraph;
const asCanvas = (g: edit.EditorGraph) => ({
  nodes: g.nodes as FlowNode[],
  edges: g.edges as FlowEdge[],
});

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
    const past = [...s.past, { nodes: s.nodes, edges: s.edges, notes: s.notes }];
    if (past.length > HISTORY_LIMIT) past.shift();
    set({ past, future: [], lastHistory: coalesceKey ? { key: coalesceKey, at: now } : null });
  };
  const changed = (patch: Partial<EditorState>) => {
    set({ ...patch, revision: get().revision + 1, saveState: 'unsaved', saveError: null });
  };

  return {
    ...initial,

    load: (workflowId, name, graph, kindOf) => {
      const { nodes, edges } = fromApiGraph(graph, kindOf);
      set({
        ...initial,
        workflowId,
        name,
        nodes: nodes as FlowNode[],
        edges,
        notes: notesFrom(graph),
      });
    },

    reset: () => set({ ...initial }),

    setMeta: (meta) => {
      const { graph: _graph, ...rest } = meta as WorkflowSummary & { graph?: unknown };
      set({ meta: rest });
    },

    restoreGraph: (name, graph, kindOf) => {
      record();
      const { nodes, edges } = fromApiGraph(graph, kindOf);
      changed({
        name,
        nodes: nodes as FlowNode[],
        edges,
        notes: notesFrom(graph),
        selectedNodeId: null,
      });
    },

    setName: (name) => changed({ name }),

    onNodesChange: (allChanges) => {
      const changeId = (c: NodeChange<CanvasNode>) => (c.type === 'add' ? c.item.id : c.id);
      const noteChanges = allChanges.filter((c) => isNoteId(changeId(c)));
      if (noteChanges.length > 0) {
        const moved = noteChanges.some(
          (c) =>
            (c.type === 'position' && !c.dragging) ||
            c.type === 'remove' ||
            // The end of a resize (a measurement has no `resizing`).
            (c.type === 'dimensions' && c.resizing === false),
        );
        if (noteChanges.some((c) => c.type === 'remove')) record();
        // One undo step per resize: its many changes coalesce.
        for (const c of noteChanges)
          if (c.type === 'dimensions' && c.resizing) record(`resize:${c.id}`);
        const notes = applyNodeChanges<CanvasNode>(noteChanges, get().notes) as NoteFlowNode[];
        if (moved) changed({ notes });
        else set({ notes });
      }
      const changes = allChanges.filter((c) => !isNoteId(changeId(c))) as NodeChange<FlowNode>[];
      if (changes.length === 0) return;
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
      const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
      const edges = edit.withoutEdgesOf(get().edges, removed);
      const patch = { nodes, edges, dragging, selectedNodeId: edit.singleSelected(nodes) };
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
      const problem = edit.connectionProblem(asGraph(get()), c);
      if (problem !== get().connectionRefusal) set({ connectionRefusal: problem });
      return problem === null;
    },

    connectionRefusal: null,
    setConnectionRefusal: (message) => set({ connectionRefusal: message }),

    onConnect: (c) => {
      const next = edit.connect(asGraph(get()), c);
      if (!next) return;
      record();
      changed(asCanvas(next));
    },

    addNode: (nodeType, kind, options = {}) => {
      const { graph, id } = edit.addNode(asGraph(get()), nodeType, kind, options);
      record();
      changed({ ...asCanvas(graph), selectedNodeId: id, lastAddedId: id });
      return id;
    },

    addNote: (position) => {
      const s = get();
      const taken = new Set(s.notes.map((n) => n.id));
      let i = s.notes.length + 1;
      while (taken.has(`${NOTE_ID_PREFIX}${i}`)) i++;
      const id = `${NOTE_ID_PREFIX}${i}`;
      record();
      changed({
        notes: [...s.notes, { id, type: 'note', position, data: { text: '' } }],
        lastAddedId: id,
      });
      return id;
    },

    setNoteText: (noteId, text) => {
      record(`note:${noteId}`);
      changed({
        notes: get().notes.map((n) => (n.id === noteId ? { ...n, data: { ...n.data, text } } : n)),
      });
    },

    updateConfig: (nodeId, config, coalesceKey) => {
      record(coalesceKey ? `config:${nodeId}:${coalesceKey}` : undefined);
      changed({ nodes: asCanvas(edit.setConfig(asGraph(get()), nodeId, config)).nodes });
    },

    updateNode: (nodeId, patch, coalesceKey) => {
      record(coalesceKey ? `node:${nodeId}:${coalesceKey}` : undefined);
      changed({ nodes: asCanvas(edit.patchNodeData(asGraph(get()), nodeId, patch)).nodes });
    },

    renameNodeId: (oldId, newId) => {
      const s = get();
      if (oldId === newId) return null;
      const result = edit.renameNode(asGraph(s), oldId, newId);
      if ('error' in result) return result.error;
      record();
      changed({
        ...asCanvas(result.graph),
        selectedNodeId: s.selectedNodeId === oldId ? newId : s.selectedNodeId,
      });
      return null;
    },

    select: (nodeId) =>
      set({ ...asCanvas(edit.selectOnly(asGraph(get()), nodeId)), selectedNodeId: nodeId }),

    deleteNode: (nodeId) => {
      record();
      const s = get();
      changed({
        ...asCanvas(edit.removeNode(asGraph(s), nodeId)),
        selectedNodeId: s.selectedNodeId === nodeId ? null : s.selectedNodeId,
      });
    },

    deleteSelection: () => {
      const s = get();
      const next = edit.removeSelection(asGraph(s));
      const notes = s.notes.filter((n) => !n.selected);
      const notesRemoved = notes.length !== s.notes.length;
      if (!next && !notesRemoved) return;
      record();
      changed({ ...(next ? asCanvas(next) : {}), notes, selectedNodeId: null });
    },

    copySelection: () => {
      const clipboard = edit.copySelection(asGraph(get()));
      if (!clipboard) return 0;
      set({ clipboard: asCanvas(clipboard), pasteCount: 0 });
      return clipboard.nodes.length;
    },

    paste: () => {
      const s = get();
      if (!s.clipboard || s.clipboard.nodes.length === 0) return 0;
      const { graph, pasted } = edit.paste(asGraph(s), asGraph(s.clipboard), s.pasteCount);
      record();
      changed({
        ...asCanvas(graph),
        selectedNodeId: pasted.length === 1 ? pasted[0] : null,
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
        future: [...s.future, { nodes: s.nodes, edges: s.edges, notes: s.notes }],
        nodes: prev.nodes,
        edges: prev.edges,
        notes: prev.notes ?? s.notes,
        selectedNodeId: edit.singleSelected(prev.nodes),
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
        past: [...s.past, { nodes: s.nodes, edges: s.edges, notes: s.notes }],
        nodes: next.nodes,
        edges: next.edges,
        notes: next.notes ?? s.notes,
        selectedNodeId: edit.singleSelected(next.nodes),
        lastHistory: null,
        dragging: false,
      });
    },

    tidy: () => {
      record();
      changed({ nodes: asCanvas(edit.tidy(asGraph(get()))).nodes });
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

    toGraph: () => {
      const { nodes, edges, notes } = get();
      const graph = toApiGraph(nodes, edges);
      // No key at all without notes, so a draft without any compares equal to its versions.
      return notes.length > 0 ? { ...graph, notes: notesToApi(notes) } : graph;
    },
  };
});

export const selectCanUndo = (s: EditorState) => s.past.length > 0;
export const selectCanRedo = (s: EditorState) => s.future.length > 0;
