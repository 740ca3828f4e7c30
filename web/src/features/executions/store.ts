import { create } from 'zustand';
import type { Execution, ExecutionStep } from '../../lib/api-types';
import type { NodeValueSource } from '../flow-canvas';
import type { WatchMode } from './watch';

interface ExecutionState {
  /** The execution shown on the canvas (the builder's last test run, or the one opened in the viewer). */
  execution: Execution | null;
  steps: Record<string, ExecutionStep>;
  mode: WatchMode | 'idle';
  modeDetail: string | null;
  error: string | null;
  setExecution: (execution: Execution | null) => void;
  setMode: (mode: WatchMode | 'idle', detail?: string | null) => void;
  setError: (error: string | null) => void;
  clear: () => void;
}

/**
 * Live per-node run state. Canvas nodes read one primitive each (`s.steps[id]?.status`), so an
 * update re-renders only the nodes whose state changed.
 */
export const useExecutionStore = create<ExecutionState>()((set) => ({
  execution: null,
  steps: {},
  mode: 'idle',
  modeDetail: null,
  error: null,
  setExecution: (execution) =>
    set({
      execution,
      steps: Object.fromEntries((execution?.steps ?? []).map((s) => [s.nodeId, s])),
    }),
  setMode: (mode, detail = null) => set({ mode, modeDetail: detail }),
  setError: (error) => set({ error }),
  clear: () => set({ execution: null, steps: {}, mode: 'idle', modeDetail: null, error: null }),
}));

/** This store's steps as the flow canvas reads them (`<FlowCanvas runs={executionRuns} />`). */
export const executionRuns: NodeValueSource<ExecutionStep | undefined> = {
  subscribe: useExecutionStore.subscribe,
  get: (nodeId) => useExecutionStore.getState().steps[nodeId],
};
