import { memo, useEffect, useState } from 'react';
import type { NodeProps } from '@xyflow/react';
import { cx } from '../../../lib/cx';
import { useCanvasActions, useCanvasMode } from '../status';
import type { NoteFlowNode } from '../types';

/**
 * A sticky note: text on the canvas, saved with the draft, never run. Drag it by its header; the
 * text area is `nodrag` so selecting text does not move it.
 */
export const NoteNode = memo(function NoteNode({ id, data, selected }: NodeProps<NoteFlowNode>) {
  const mode = useCanvasMode();
  const { onNoteText } = useCanvasActions();
  const [text, setText] = useState(data.text);
  // An undo or a reload replaces the text from outside.
  useEffect(() => setText(data.text), [data.text]);
  const editable = mode === 'edit' && !!onNoteText;
  return (
    <div
      data-testid={`note-${id}`}
      className={cx(
        'w-56 rounded-md border border-amber-300 bg-amber-50 shadow-sm',
        selected && 'outline-2 outline-offset-2 outline-amber-500',
      )}
    >
      <div className="cursor-grab px-2 pt-1 text-[10px] font-semibold tracking-wide text-amber-700 uppercase">
        Note
      </div>
      <textarea
        aria-label="Sticky note"
        className="nodrag nowheel block min-h-20 w-full resize-y bg-transparent px-2 pb-2 text-sm text-slate-800 focus:outline-none"
        value={text}
        readOnly={!editable}
        placeholder={editable ? 'Write a note…' : undefined}
        maxLength={5000}
        data-testid={`note-text-${id}`}
        onChange={(e) => {
          setText(e.target.value);
          onNoteText?.(id, e.target.value);
        }}
      />
    </div>
  );
});
