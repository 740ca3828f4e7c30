import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { cx } from '../../../lib/cx';
import { outputsFor } from '../../../lib/graph';
import { useNodeTypesStore } from '../../node-types';
import { useCanvasMode, useStepRun } from '../status';
import type { BranchFlowNode } from '../types';
import { AddAfterButton } from './AddAfterButton';
import { NodeShell } from './NodeShell';

/** A step with labelled outputs (If: `true` / `false`); the branch taken on the last run is highlighted. */
export const BranchNode = memo(function BranchNode({
  id,
  data,
  selected,
}: NodeProps<BranchFlowNode>) {
  const mode = useCanvasMode();
  const info = useNodeTypesStore((s) => s.byType[data.nodeType]);
  const taken = useStepRun(id, (run) => run?.handle);
  const outputs = outputsFor(data.nodeType, info);
  return (
    <NodeShell id={id} data={data} selected={selected} kind="branch">
      <Handle type="target" position={Position.Left} isConnectable={mode === 'edit'} />
      <div className="flex flex-col items-end gap-1 border-t border-slate-100 py-1.5 pr-3">
        {outputs.map((h) => (
          <div key={h} className="relative flex h-5 items-center">
            <span
              className={cx(
                'rounded px-1.5 text-[11px] font-medium',
                taken === h
                  ? 'bg-emerald-100 text-emerald-800'
                  : h === 'false'
                    ? 'text-rose-600'
                    : h === 'true'
                      ? 'text-emerald-700'
                      : 'text-slate-600',
              )}
            >
              {h}
            </span>
            <Handle
              type="source"
              position={Position.Right}
              id={h}
              isConnectable={mode === 'edit'}
              data-testid={`handle-${id}-${h}`}
              style={{ top: '50%', right: -13 }}
            />
            <AddAfterButton
              nodeId={id}
              handle={h}
              title={data.name || id}
              style={{ right: -48, top: 0 }}
            />
          </div>
        ))}
      </div>
    </NodeShell>
  );
});
