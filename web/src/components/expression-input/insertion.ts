import { create } from 'zustand';

/** The expression field a click in the Input view writes into: the one focused last. */
export interface InsertionTarget {
  id: string;
  /** Inserts `text` at the field's caret (its end if it never had one). */
  insert(text: string): void;
}

interface InsertionState {
  target: InsertionTarget | null;
  setTarget(target: InsertionTarget): void;
  clear(id: string): void;
}

export const useInsertionTarget = create<InsertionState>((set, get) => ({
  target: null,
  setTarget: (target) => set({ target }),
  clear: (id) => {
    if (get().target?.id === id) set({ target: null });
  },
}));

/** What dragging or clicking a data path inserts: `{{ steps.sum.total }}`. */
export function expressionFor(path: string): string {
  return `{{ ${path} }}`;
}

/** The drag payload type of a data path (plain text, so a drop into any text field works too). */
export const DATA_PATH_MIME = 'text/plain';
