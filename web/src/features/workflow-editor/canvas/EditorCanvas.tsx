import { useCallback, useEffect, useRef, type DragEvent } from 'react';
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
  const refusal = useEditorStore((s) => s.connectionRefusal);
  const setRefusal = useEditorStore((s) => s.setConnectionRefusal);
  const clearTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(clearTimer.current), []);
  const onConnectStart = useCallback(() => {
    clearTimeout(clearTimer.current);
    setRefusal(null);
  }, [setRefusal]);
  // A refused drop leaves the reason on screen a moment: the user let go right on it.
  const onConnectEnd = useCallback(() => {
    clearTimeout(clearTimer.current);
    clearTimer.current = setTimeout(() => setRefusal(null), 6000);
  }, [setRefusal]);
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
      onConnectStart={onConnectStart}
      onConnectEnd={onConnectEnd}
      onDrop={onDrop}
      onDragOver={onDragOver}
    >
      <Panel position="top-center" className="pointer-events-none">
        {/* Always mounted, so screen readers announce the reason when it appears. */}
        <div role="status" aria-live="polite" data-testid="connection-refusal">
          {refusal && (
            <p className="max-w-md rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 shadow">
              {refusal}
            </p>
          )}
        </div>
      </Panel>
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
