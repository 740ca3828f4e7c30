import { create } from 'zustand';
import { describeError } from '../../lib/api-client';
import type { NodeTypeInfo } from '../../lib/api-types';
import { kindFor, type NodeKind } from '../../lib/graph';
import { fetchNodeTypes } from './api';

interface NodeTypesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  byType: Record<string, NodeTypeInfo>;
  list: NodeTypeInfo[];
  /** Load once (again after an error). */
  ensureLoaded: () => Promise<void>;
  setTypes: (types: NodeTypeInfo[]) => void;
}

/** The catalog of node types from `GET /api/node-types`, shared by the editor and the execution viewer. */
export const useNodeTypesStore = create<NodeTypesState>()((set, get) => ({
  status: 'idle',
  error: null,
  byType: {},
  list: [],
  ensureLoaded: async () => {
    if (get().status === 'ready' || get().status === 'loading') return;
    set({ status: 'loading', error: null });
    try {
      get().setTypes(await fetchNodeTypes());
    } catch (err) {
      set({ status: 'error', error: describeError(err) });
    }
  },
  setTypes: (types) =>
    set({
      status: 'ready',
      error: null,
      list: types,
      byType: Object.fromEntries(types.map((t) => [t.type, t])),
    }),
}));

/** Drawing kind of a node type, from the loaded catalog. */
export function kindOf(nodeType: string): NodeKind {
  return kindFor(nodeType, useNodeTypesStore.getState().byType[nodeType]);
}

export const CATEGORY_LABELS: Record<string, string> = {
  trigger: 'Triggers',
  action: 'Actions',
  logic: 'Logic',
};
