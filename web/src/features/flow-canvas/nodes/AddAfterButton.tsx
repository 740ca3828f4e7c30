import type { CSSProperties } from 'react';
import { useCanvasActions, useCanvasMode } from '../status';

/**
 * The "+" at the end of an output: opens the step picker to add a step connected from it. Only
 * in the builder; `nodrag` keeps a click from starting a drag of the node.
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
  if (mode !== 'edit' || !onAddAfter) return null;
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
