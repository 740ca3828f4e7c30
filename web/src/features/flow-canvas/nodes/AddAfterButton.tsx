import type { CSSProperties } from 'react';
import { useStore } from '@xyflow/react';
import { useCanvasActions, useCanvasMode } from '../status';

/**
 * The "+" at the end of an output: opens the step picker to add a step connected from it. Only
 * in the builder, and only on a free output (each If branch counts alone): a connected output is
 * extended from the step it leads to. `nodrag` keeps a click from starting a drag of the node.
 */
export function AddAfterButton({
  nodeId,
  handle,
  title,
  style,
}: {
  nodeId: string;
  handle: string;
  title: string;
  style?: CSSProperties;
}) {
  const mode = useCanvasMode();
  const { onAddAfter } = useCanvasActions();
  // xyflow's lookup of this node's outgoing connections: no scan of every edge per node.
  const connected = useStore((s) => {
    const out = s.connectionLookup.get(`${nodeId}-source`);
    if (out) for (const c of out.values()) if ((c.sourceHandle ?? 'main') === handle) return true;
    return false;
  });
  if (mode !== 'edit' || !onAddAfter || connected) return null;
  const label =
    handle === 'main' ? `Add a step after ${title}` : `Add a step on ${handle} of ${title}`;
  return (
    <button
      type="button"
      className="nodrag nopan absolute flex h-5 w-5 items-center justify-center rounded-full border border-slate-300 bg-white text-sm leading-none text-slate-500 shadow-sm hover:border-indigo-500 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-500"
      style={style}
      aria-label={label}
      title={label}
      data-testid={`add-after-${nodeId}-${handle}`}
      onClick={(e) => {
        e.stopPropagation();
        onAddAfter(nodeId, handle);
      }}
    >
      +
    </button>
  );
}
