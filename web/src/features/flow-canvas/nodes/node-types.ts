import type { NodeTypes } from '@xyflow/react';
import { ActionNode } from './ActionNode';
import { BranchNode } from './BranchNode';
import { NoteNode } from './NoteNode';
import { TriggerNode } from './TriggerNode';

/** Built once at module scope: a new object per render would remount every node (xyflow error002). */
export const nodeTypes: NodeTypes = {
  trigger: TriggerNode,
  action: ActionNode,
  branch: BranchNode,
  note: NoteNode,
};
