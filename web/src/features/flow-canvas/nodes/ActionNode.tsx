import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useCanvasMode } from '../status';
import type { ActionFlowNode } from '../types';
import { AddAfterButton } from './AddAfterButton';
import { NodeShell } from './NodeShell';
import { ADD_STYLE } from './TriggerNode';

/** A step with one input and one output (`main`). */
export const ActionNode = memo(function ActionNode({
  id,
  data,
  selected,
}: NodeProps<ActionFlowNode>) {
  const mode = useCanvasMode();
  return (
    <NodeShell id={id} data={data} selected={selected} kind="action">
      <Handle type="target" position={Position.Left} isConnectable={mode === 'edit'} />
      <Handle type="source" position={Position.Right} id="main" isConnectable={mode === 'edit'} />
      <AddAfterButton nodeId={id} handle="main" title={data.name || id} style={ADD_STYLE} />
    </NodeShell>
  );
});
