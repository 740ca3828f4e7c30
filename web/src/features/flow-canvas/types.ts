import type { Edge, Node } from '@xyflow/react';
import type { StepNodeData } from '../../lib/graph';

export type TriggerFlowNode = Node<StepNodeData, 'trigger'>;
export type ActionFlowNode = Node<StepNodeData, 'action'>;
export type BranchFlowNode = Node<StepNodeData, 'branch'>;
/** Canvas nodes: a discriminated union on the drawing kind; `data.nodeType` is the catalog type. */
export type FlowNode = TriggerFlowNode | ActionFlowNode | BranchFlowNode;
export type FlowEdge = Edge;

/** A sticky note's data: text only, it is never a step. */
export interface NoteData extends Record<string, unknown> {
  text: string;
}
export type NoteFlowNode = Node<NoteData, 'note'> & { type: 'note' };
/** Everything the canvas draws: steps and sticky notes. */
export type CanvasNode = FlowNode | NoteFlowNode;

/** Sticky note ids hold a "-", which no step id may (steps are named in expressions). */
export const NOTE_ID_PREFIX = 'note-';
export const isNoteId = (id: string) => id.startsWith(NOTE_ID_PREFIX);

/** How small or large a sticky note may be resized (inside the graph schema's 80–2000 × 40–2000). */
export const NOTE_MIN_WIDTH = 160;
export const NOTE_MIN_HEIGHT = 80;
export const NOTE_SIZE_MAX = 2000;
