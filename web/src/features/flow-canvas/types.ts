import type { Edge, Node } from '@xyflow/react';
import type { StepNodeData } from '../../lib/graph';

export type TriggerFlowNode = Node<StepNodeData, 'trigger'>;
export type ActionFlowNode = Node<StepNodeData, 'action'>;
export type BranchFlowNode = Node<StepNodeData, 'branch'>;
/** Canvas nodes: a discriminated union on the drawing kind; `data.nodeType` is the catalog type. */
export type FlowNode = TriggerFlowNode | ActionFlowNode | BranchFlowNode;
export type FlowEdge = Edge;
