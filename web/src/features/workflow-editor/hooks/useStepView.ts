import { create } from 'zustand';

/**
 * Whether the selected step opens in the full view (n8n's habit): Input, Parameters and Output
 * side by side over the canvas, instead of the side panel's tabs. A double click on a step or
 * the panel's "Open full view" opens it; Escape, the close button or a click beside it closes it.
 */
export const useStepView = create<{ expanded: boolean; setExpanded(expanded: boolean): void }>(
  (set) => ({
    expanded: false,
    setExpanded: (expanded) => set({ expanded }),
  }),
);
