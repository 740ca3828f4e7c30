import type { WorkflowNode } from '@flowgenie/contracts';

/**
 * Editor-side graph shapes. They are plain data (no React), structurally compatible with
 * React Flow's `Node`/`Edge`, so `graph/` stays framework-free like xyflow's `system` package.
 */

/** How a node is drawn: a trigger (no input), an action (one output), or a branch (labelled outputs). */
export type NodeKind = 'trigger' | 'action' | 'branch';

export interface StepNodeData extends Record<string, unknown> {
  /** Catalog type stored in the API graph, e.g. `http_request`. */
  nodeType: string;
  name?: string;
  config: Record<string, unknown>;
  retry?: WorkflowNode['retry'];
  /** Sample output pinned in the builder: draft test runs use it instead of running the step. */
  pinnedData?: unknown;
}

export interface EditorNode {
  id: string;
  type: NodeKind;
  position: { x: number; y: number };
  data: StepNodeData;
  selected?: boolean;
  dragging?: boolean;
  measured?: { width?: number; height?: number };
  width?: number;
  height?: number;
}

export interface EditorEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
  selected?: boolean;
  label?: string;
  type?: string;
}

/** What the editor needs to know about a node type to draw it. */
export interface KindInfo {
  category?: string;
  outputs?: readonly string[];
}

export type KindOf = (nodeType: string) => NodeKind;
