import { useCallback, type DragEvent } from 'react';
import { Panel, useReactFlow } from '@xyflow/react';
import { executionRuns } from '../../executions';
import { FlowCanvas, type NodeValueSource } from '../../flow-canvas';
import { DRAG_MIME, useAddNode } from '../hooks/useAddNode';
import { useEditorStore } from '../store';

/** Validation problems per node, as the canvas reads them. */
const issueCounts: NodeValueSource<number> = {
  subscribe: useEditorStore.subscribe,
  get: (nodeId) => useEditorStore.getState().validation.byNode[nodeId]?.length ?? 0,
};

/**
 * The builder on the shared flow canvas: the editor store's graph, its validation counts and the
 * test run's step states, drops from the palette, connection rules.
 */
export function EditorCanvas({ onError }: { onError: (message: string | null) => void }) {
  const nodes = useEditorStore((s) => s.nodes);
  const edges = useEditorStore((s) => s.edges);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const onConnect = useEditorStore((s) => s.onConnect);
  const isValidConnection = useEditorStore((s) => s.isValidConnection);
  const { screenToFlowPosition } = useReactFlow();
  const addNode = useAddNode();

  const onDragOver = useCallback((e: DragEvent<HTMLDivElement>) => {
    if (!e.dataTransfer.types.includes(DRAG_MIME)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent<HTMLDivElement>) => {
      const type = e.dataTransfer.getData(DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const res = addNode(type, { x: p.x - 112, y: p.y - 28 });
      onError(res.ok ? null : res.error);
    },
    [addNode, onError, screenToFlowPosition],
  );

  return (
    <FlowCanvas
      mode="edit"
      runs={executionRuns}
      issueCounts={issueCounts}
      nodes={nodes}
      edges={edges}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      onDrop={onDrop}
      onDragOver={onDragOver}
    >
      {nodes.length === 0 && (
        <Panel position="top-center" className="pointer-events-none mt-24">
          <div
            className="rounded-lg border border-dashed border-slate-300 bg-white/90 px-6 py-5 text-center text-sm text-slate-600 shadow-sm"
            data-testid="canvas-empty"
          >
            <p className="font-medium text-slate-800">Start with a trigger</p>
            <p className="mt-1">
              Drag Webhook, Schedule or Manual from the left, or click it to add it here.
            </p>
          </div>
        </Panel>
      )}
    </FlowCanvas>
  );
}
