import { memo, useEffect, useState } from 'react';
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { cx } from '../../../lib/cx';
import { useCanvasActions, useCanvasMode } from '../status';
import { NOTE_MIN_HEIGHT, NOTE_MIN_WIDTH, NOTE_SIZE_MAX, type NoteFlowNode } from '../types';

/**
 * A sticky note: text on the canvas, saved with the draft, never run. Drag it by its header; the
 * text area is `nodrag` so selecting text does not move it. Selected in the builder, its edges
 * and corners resize it; a note never resized keeps the default size.
 */
export const NoteNode = memo(function NoteNode({
  id,
  data,
  selected,
  width,
  height,
}: NodeProps<NoteFlowNode>) {
  const mode = useCanvasMode();
  const { onNoteText } = useCanvasActions();
  const [text, setText] = useState(data.text);
  // An undo or a reload replaces the text from outside.
  useEffect(() => setText(data.text), [data.text]);
  const editable = mode === 'edit' && !!onNoteText;
  const sized = width !== undefined || height !== undefined;
  return (
    <div
      data-testid={`note-${id}`}
      className={cx(
        'flex flex-col rounded-md border border-amber-300 bg-amber-50 shadow-sm',
        sized ? 'h-full w-full' : 'w-56',
        selected && 'outline-2 outline-offset-2 outline-amber-500',
      )}
    >
      <NodeResizer
        isVisible={editable && selected}
        minWidth={NOTE_MIN_WIDTH}
        minHeight={NOTE_MIN_HEIGHT}
        maxWidth={NOTE_SIZE_MAX}
        maxHeight={NOTE_SIZE_MAX}
        color="#f59e0b"
      />
      <div className="cursor-grab px-2 pt-1 text-[10px] font-semibold tracking-wide text-amber-700 uppercase">
        Note
      </div>
      <textarea
        aria-label="Sticky note"
        className={cx(
          'nodrag nowheel block w-full bg-transparent px-2 pb-2 text-sm text-slate-800 focus:outline-none',
          // Sized by its resizer: the text fills the note; else it grows with its own handle.
          sized ? 'min-h-0 flex-1 resize-none' : 'min-h-20 resize-y',
        )}
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
