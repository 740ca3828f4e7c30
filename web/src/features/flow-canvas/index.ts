export { FlowCanvas, type FlowCanvasProps } from './FlowCanvas';
export type { CanvasMode, CanvasStatus, NodeValueSource, StepRun } from './status';
export type { FlowNode, FlowEdge, TriggerFlowNode, ActionFlowNode, BranchFlowNode } from './types';
