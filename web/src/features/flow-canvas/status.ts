import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ExecutionStep } from '../../lib/api-types';

/** `edit` in the builder; `view` when an execution is drawn (nothing can be moved or connected). */
export type CanvasMode = 'edit' | 'view';

/**
 * A per-node value the canvas shows but does not own, read where it lives. A zustand store fits:
 * `{ subscribe: useStore.subscribe, get: (id) => useStore.getState()... }`. Each node reads only
 * its own primitives, so an update re-renders only the nodes whose value changed.
 */
export interface NodeValueSource<T> {
  subscribe: (onChange: () => void) => () => void;
  get: (nodeId: string) => T;
}

/** What a node shows about its step in a run. */
export type StepRun = Pick<
  ExecutionStep,
  'status' | 'attempts' | 'maxAttempts' | 'durationMs' | 'handle'
> & { error?: ExecutionStep['error'] };

export interface CanvasStatus {
  /** Run state per node: the builder's last test run, or the execution on view. */
  runs?: NodeValueSource<StepRun | undefined>;
  /** Validation problems per node (the builder). */
  issueCounts?: NodeValueSource<number>;
}

/** What the builder lets a node do on the canvas (absent in the execution viewer). */
export interface CanvasActions {
  /** The "+" on an output: pick a step to add after `nodeId`, connected from `handle`. */
  onAddAfter?: (nodeId: string, handle: string) => void;
  /** A sticky note's text was edited. */
  onNoteText?: (noteId: string, text: string) => void;
}

interface CanvasContextValue extends CanvasStatus, CanvasActions {
  mode: CanvasMode;
}

export const CanvasContext = createContext<CanvasContextValue>({ mode: 'view' });

const noSubscription = () => () => undefined;

export function useCanvasMode(): CanvasMode {
  return useContext(CanvasContext).mode;
}

export function useCanvasActions(): CanvasActions {
  const { onAddAfter, onNoteText } = useContext(CanvasContext);
  return { onAddAfter, onNoteText };
}

/** One value of a node's run step (pick a primitive). */
export function useStepRun<R>(nodeId: string, pick: (run: StepRun | undefined) => R): R {
  const { runs } = useContext(CanvasContext);
  return useSyncExternalStore(runs?.subscribe ?? noSubscription, () => pick(runs?.get(nodeId)));
}

export function useIssueCount(nodeId: string): number {
  const { issueCounts } = useContext(CanvasContext);
  return useSyncExternalStore(issueCounts?.subscribe ?? noSubscription, () =>
    issueCounts ? issueCounts.get(nodeId) : 0,
  );
}
