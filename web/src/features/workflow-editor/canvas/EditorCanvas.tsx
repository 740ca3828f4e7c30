import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Panel, useReactFlow, useStoreApi } from '@xyflow/react';
import { Button } from '../../../components/Button';
import { kindFor, outputsFor } from '../../../lib/graph';
import { executionRuns } from '../../executions';
import { FlowCanvas, type CanvasNode, type NodeValueSource } from '../../flow-canvas';
import { useNodeTypesStore } from '../../node-types';
import { StepPicker } from './StepPicker';
import { DRAG_MIME, useAddNode } from '../hooks/useAddNode';
import { useStepView } from '../hooks/useStepView';
import { useEditorStore } from '../store';

/** Validation problems per node, as the canvas reads them. */
const issueCounts: NodeValueSource<number> = {
  subscribe: useEditorStore.subscribe,
  get: (nodeId) => useEditorStore.getState().validation.byNode[nodeId]?.length ?? 0,
};

/** Room kept between a step brought into view and the canvas' edges (the bottom has the mini map). */
const VIEW_MARGIN = { left: 48, top: 48, right: 48, bottom: 130 };
/** A step's size before React Flow has measured it (w-56, two lines). */
const DEFAULT_SIZE = { width: 224, height: 64 };

/**
 * Pans the least needed so the node is wholly on screen, zoom unchanged: a step added by a click,
 * a "+" or a paste never lands cut off at an edge (or off screen).
 */
function useBringIntoView() {
  const { getNode, getViewport, setViewport } = useReactFlow();
  const store = useStoreApi();
  return useCallback(
    (id: string) => {
      const node = getNode(id);
      if (!node) return;
      const { width: paneW, height: paneH } = store.getState();
      const { x, y, zoom } = getViewport();
      const w = (node.measured?.width ?? DEFAULT_SIZE.width) * zoom;
      const h = (node.measured?.height ?? DEFAULT_SIZE.height) * zoom;
      const sx = node.position.x * zoom + x;
      const sy = node.position.y * zoom + y;
      const shift = (start: number, size: number, pane: number, before: number, after: number) =>
        start < before
          ? before - start
          : start + size > pane - after
            ? Math.max(pane - after - (start + size), before - start)
            : 0;
      const dx = shift(sx, w, paneW, VIEW_MARGIN.left, VIEW_MARGIN.right);
      const dy = shift(sy, h, paneH, VIEW_MARGIN.top, VIEW_MARGIN.bottom);
      if (dx !== 0 || dy !== 0) void setViewport({ x: x + dx, y: y + dy, zoom }, { duration: 200 });
    },
    [getNode, getViewport, setViewport, store],
  );
}

/**
 * The builder on the shared flow canvas: the editor store's graph and sticky notes, its validation
 * counts and the test run's step states, drops from the palette, the "+" on outputs, connection rules.
 */
export function EditorCanvas({ onError }: { onError: (message: string | null) => void }) {
  const nodes = useEditorStore((s) => s.nodes);
  const notes = useEditorStore((s) => s.notes);
  const edges = useEditorStore((s) => s.edges);
  const lastAddedId = useEditorStore((s) => s.lastAddedId);
  const onNodesChange = useEditorStore((s) => s.onNodesChange);
  const onEdgesChange = useEditorStore((s) => s.onEdgesChange);
  const onConnect = useEditorStore((s) => s.onConnect);
  const isValidConnection = useEditorStore((s) => s.isValidConnection);
  const addNote = useEditorStore((s) => s.addNote);
  const setNoteText = useEditorStore((s) => s.setNoteText);
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
  const store = useStoreApi();
  const addNode = useAddNode();
  const bringIntoView = useBringIntoView();
  const [addingAfter, setAddingAfter] = useState<{ nodeId: string; handle: string } | null>(null);

  const drawn = useMemo<CanvasNode[]>(() => [...notes, ...nodes], [notes, nodes]);

  useEffect(() => {
    if (!lastAddedId) return;
    // Wait a frame so React Flow has the node (and its measured size).
    const frame = requestAnimationFrame(() => bringIntoView(lastAddedId));
    return () => cancelAnimationFrame(frame);
  }, [lastAddedId, bringIntoView]);

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

  const onAddAfter = useCallback(
    (nodeId: string, handle: string) => setAddingAfter({ nodeId, handle }),
    [],
  );

  const pickAfter = (nodeType: string) => {
    if (!addingAfter) return;
    const types = useNodeTypesStore.getState().byType;
    const store = useEditorStore.getState();
    const source = store.nodes.find((n) => n.id === addingAfter.nodeId);
    const outputs = source
      ? outputsFor(source.data.nodeType, types[source.data.nodeType])
      : undefined;
    store.addNode(nodeType, kindFor(nodeType, types[nodeType]), {
      after: { ...addingAfter, outputs },
    });
    setAddingAfter(null);
    onError(null);
  };

  const newNote = () => {
    const { width, height } = store.getState();
    const rect = store.getState().domNode?.getBoundingClientRect();
    const p = screenToFlowPosition({
      x: (rect?.left ?? 0) + width / 2 - 112,
      y: (rect?.top ?? 0) + height / 3,
    });
    addNote({ x: Math.round(p.x), y: Math.round(p.y) });
  };

  // n8n's habit: a double click opens the step in the full Input | Parameters | Output view.
  const openStepView = useCallback((_: unknown, node: { id: string; type?: string }) => {
    if (node.type === 'note') return;
    useEditorStore.getState().select(node.id);
    useStepView.getState().setExpanded(true);
  }, []);

  const afterLabel = addingAfter
    ? addingAfter.handle === 'main'
      ? `after ${addingAfter.nodeId}`
      : `on ${addingAfter.handle} of ${addingAfter.nodeId}`
    : '';

  return (
    <>
      <FlowCanvas<CanvasNode>
        mode="edit"
        runs={executionRuns}
        issueCounts={issueCounts}
        nodes={drawn}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        onDrop={onDrop}
        onDragOver={onDragOver}
        onAddAfter={onAddAfter}
        onNoteText={setNoteText}
        onNodeDoubleClick={openStepView}
      >
        <Panel position="top-left">
          <Button size="sm" onClick={newNote} data-testid="add-note" title="Add a sticky note">
            + Note
          </Button>
        </Panel>
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
      <StepPicker
        open={addingAfter !== null}
        after={afterLabel}
        onPick={pickAfter}
        onClose={() => setAddingAfter(null)}
      />
    </>
  );
}
