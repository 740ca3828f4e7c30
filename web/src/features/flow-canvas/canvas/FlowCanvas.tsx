import { useEffect, useMemo, useState, type DragEvent, type ReactNode } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
  type NodeMouseHandler,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { nodeTypes } from '../nodes/node-types';
import { CanvasContext, type CanvasActions, type CanvasMode, type CanvasStatus } from '../status';
import type { CanvasNode, FlowEdge } from '../types';

export interface FlowCanvasProps<N extends CanvasNode = CanvasNode>
  extends CanvasStatus, CanvasActions {
  nodes: N[];
  edges: FlowEdge[];
  mode: CanvasMode;
  onNodesChange?: (changes: NodeChange<N>[]) => void;
  onEdgesChange?: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect?: (c: Connection) => void;
  isValidConnection?: IsValidConnection<FlowEdge>;
  onConnectStart?: () => void;
  onConnectEnd?: () => void;
  onNodeClick?: NodeMouseHandler<N>;
  onNodeDoubleClick?: NodeMouseHandler<N>;
  onPaneClick?: () => void;
  onDrop?: (e: DragEvent<HTMLDivElement>) => void;
  onDragOver?: (e: DragEvent<HTMLDivElement>) => void;
  children?: ReactNode;
}

const minimapColor = (n: { type?: string }) =>
  n.type === 'trigger'
    ? '#f59e0b'
    : n.type === 'branch'
      ? '#14b8a6'
      : n.type === 'note'
        ? '#fde68a'
        : '#6366f1';
const defaultEdgeOptions = { type: 'smoothstep', style: { strokeWidth: 2 } } as const;
const proOptions = { hideAttribution: true };
/**
 * The smallest zoom, Fit included: a step's title (14 px) stays at least 10.5 px. A large
 * workflow does not shrink to an unreadable overview; the mini map shows the whole of it and
 * moves the view (drag or click it), and the keyboard pans (arrows) and zooms (+, -, 0 fits).
 */
export const READABLE_MIN_ZOOM = 0.75;
export const fitViewOptions = { padding: 0.2, maxZoom: 1.2, minZoom: READABLE_MIN_ZOOM };
const PAN_STEP = 80;
const minimapStyle = { width: 160, height: 110 };

/**
 * The React Flow canvas the builder (`mode="edit"`) and the execution viewer (`mode="view"`) both
 * draw on. The parent owns the graph; run state and validation counts come in as `runs` and
 * `issueCounts` sources, so the canvas knows neither the editor nor the executions store.
 * Node components come from a module-level map.
 */
export function FlowCanvas<N extends CanvasNode = CanvasNode>({
  nodes,
  edges,
  mode,
  runs,
  issueCounts,
  onNodesChange,
  onEdgesChange,
  onConnect,
  isValidConnection,
  onConnectStart,
  onConnectEnd,
  onNodeClick,
  onNodeDoubleClick,
  onPaneClick,
  onDrop,
  onDragOver,
  onAddAfter,
  onNoteText,
  children,
}: FlowCanvasProps<N>) {
  const editable = mode === 'edit';
  // Fit the graph once when the canvas opens on one. React Flow keeps a requested fit pending
  // until nodes exist, so an empty canvas would otherwise zoom and pan to the first step dropped
  // on it, moving it away from the pointer.
  const [fitOnOpen] = useState(() => nodes.length > 0);
  const context = useMemo(
    () => ({ mode, runs, issueCounts, onAddAfter, onNoteText }),
    [mode, runs, issueCounts, onAddAfter, onNoteText],
  );
  return (
    <CanvasContext.Provider value={context}>
      <ReactFlow<N, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onConnectStart={onConnectStart}
        onConnectEnd={onConnectEnd}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        // a double click on a step opens it (the editor's full step view), not a zoom
        zoomOnDoubleClick={!onNodeDoubleClick}
        onPaneClick={onPaneClick}
        onDrop={onDrop}
        onDragOver={onDragOver}
        nodesDraggable={editable}
        nodesConnectable={editable}
        elementsSelectable
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        defaultEdgeOptions={defaultEdgeOptions}
        fitView={fitOnOpen}
        fitViewOptions={fitViewOptions}
        minZoom={READABLE_MIN_ZOOM}
        maxZoom={2}
        proOptions={proOptions}
        aria-label={editable ? 'Workflow canvas' : 'Execution graph'}
        aria-description="Arrow keys pan, + and - zoom, 0 fits the view"
        tabIndex={0}
        data-testid="flow-canvas"
      >
        <CanvasKeyboard />
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          pannable
          zoomable
          nodeColor={minimapColor}
          position="bottom-right"
          ariaLabel="Mini map"
          style={minimapStyle}
        />
        {children}
      </ReactFlow>
    </CanvasContext.Provider>
  );
}

/**
 * Pans and zooms from the keyboard while the canvas itself has focus (a focused step keeps the
 * arrows, which move it).
 */
function CanvasKeyboard() {
  const domNode = useStore((s) => s.domNode);
  const { getViewport, setViewport, zoomIn, zoomOut, fitView } = useReactFlow();
  useEffect(() => {
    if (!domNode) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.target !== domNode || e.ctrlKey || e.metaKey || e.altKey) return;
      const pan: Record<string, [number, number]> = {
        ArrowLeft: [PAN_STEP, 0],
        ArrowRight: [-PAN_STEP, 0],
        ArrowUp: [0, PAN_STEP],
        ArrowDown: [0, -PAN_STEP],
      };
      const by = pan[e.key];
      if (by) {
        const v = getViewport();
        void setViewport({ x: v.x + by[0], y: v.y + by[1], zoom: v.zoom });
      } else if (e.key === '+' || e.key === '=') void zoomIn({ duration: 150 });
      else if (e.key === '-') void zoomOut({ duration: 150 });
      else if (e.key === '0') void fitView({ ...fitViewOptions, duration: 200 });
      else return;
      e.preventDefault();
    };
    domNode.addEventListener('keydown', onKey);
    return () => domNode.removeEventListener('keydown', onKey);
  }, [domNode, getViewport, setViewport, zoomIn, zoomOut, fitView]);
  return null;
}
