export { FlowCanvas, type FlowCanvasProps } from './canvas/FlowCanvas';
export type { CanvasMode, CanvasStatus, NodeValueSource, StepRun } from './status';
export type { FlowNode, FlowEdge, TriggerFlowNode, ActionFlowNode, BranchFlowNode } from './types';
