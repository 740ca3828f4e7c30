export { FlowCanvas, type FlowCanvasProps } from './canvas/FlowCanvas';
export type { CanvasActions, CanvasMode, CanvasStatus, NodeValueSource, StepRun } from './status';
export type {
  FlowNode,
  FlowEdge,
  TriggerFlowNode,
  ActionFlowNode,
  BranchFlowNode,
  CanvasNode,
  NoteData,
  NoteFlowNode,
} from './types';
export { isNoteId, NOTE_ID_PREFIX, NOTE_MIN_HEIGHT, NOTE_MIN_WIDTH, NOTE_SIZE_MAX } from './types';
export { READABLE_MIN_ZOOM } from './canvas/FlowCanvas';
