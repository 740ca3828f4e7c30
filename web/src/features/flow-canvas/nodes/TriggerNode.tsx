import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useCanvasMode } from '../status';
import type { TriggerFlowNode } from '../types';
import { AddAfterButton } from './AddAfterButton';
import { NodeShell } from './NodeShell';

/** The "+" just right of the output handle, vertically centred. */
export const ADD_STYLE = { right: -36, top: 'calc(50% - 10px)' } as const;

/** Starts the workflow: no input handle, one output. */
export const TriggerNode = memo(function TriggerNode({
  id,
  data,
  selected,
}: NodeProps<TriggerFlowNode>) {
  const mode = useCanvasMode();
  return (
    <NodeShell id={id} data={data} selected={selected} kind="trigger">
      <span className="absolute -top-2.5 left-3 rounded bg-amber-100 px-1.5 text-[10px] font-semibold tracking-wide text-amber-800 uppercase">
        Trigger
      </span>
      <Handle type="source" position={Position.Right} id="main" isConnectable={mode === 'edit'} />
      <AddAfterButton nodeId={id} handle="main" title={data.name || id} style={ADD_STYLE} />
    </NodeShell>
  );
});
