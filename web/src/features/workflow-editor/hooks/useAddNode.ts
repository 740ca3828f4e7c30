import { useCallback } from 'react';
import { useNodeTypesStore } from '../../node-types';
import { kindFor, outputsFor } from '../../../lib/graph';
import { useEditorStore } from '../store';

export const DRAG_MIME = 'application/x-flowgenie-node-type';

export type AddResult = { ok: true; id: string } | { ok: false; error: string };

/**
 * Add a node of a catalog type. Without a position it goes after the selected node and is
 * connected to its first free output (for If: `true`, then `false`).
 */
export function useAddNode() {
  return useCallback((nodeType: string, position?: { x: number; y: number }): AddResult => {
    const info = useNodeTypesStore.getState().byType[nodeType];
    const kind = kindFor(nodeType, info);
    const store = useEditorStore.getState();
    if (kind === 'trigger') {
      const existing = store.nodes.find((n) => n.type === 'trigger');
      if (existing) {
        return {
          ok: false,
          error: `A workflow has one trigger and this one already starts with “${existing.data.name || existing.id}”. Delete it first to use another trigger.`,
        };
      }
    }
    let after: { nodeId: string; handle: string; outputs: readonly string[] } | undefined;
    const selected = store.selectedNodeId
      ? store.nodes.find((n) => n.id === store.selectedNodeId)
      : undefined;
    if (!position && selected && kind !== 'trigger') {
      const outputs = outputsFor(
        selected.data.nodeType,
        useNodeTypesStore.getState().byType[selected.data.nodeType],
      );
      const used = new Set(
        store.edges.filter((e) => e.source === selected.id).map((e) => e.sourceHandle ?? 'main'),
      );
      after = {
        nodeId: selected.id,
        handle: outputs.find((h) => !used.has(h)) ?? outputs[0],
        outputs,
      };
    }
    const id = store.addNode(nodeType, kind, { position, after });
    return { ok: true, id };
  }, []);
}
