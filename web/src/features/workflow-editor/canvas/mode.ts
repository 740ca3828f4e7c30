import { createContext } from 'react';

/** `edit` in the builder; `view` when an execution is drawn (no editing, no validation badges). */
export type CanvasMode = 'edit' | 'view';
export const CanvasModeContext = createContext<CanvasMode>('edit');
