import { useMemo, useState, type DragEvent, type ReactNode } from 'react';
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
} from '@xyflow/react';
import { nodeTypes } from '../nodes/node-types';
import { CanvasContext, type CanvasMode, type CanvasStatus } from '../status';
import type { FlowEdge, FlowNode } from '../types';

export interface FlowCanvasProps extends CanvasStatus {
  nodes: FlowNode[];
  edges: FlowEdge[];
  mode: CanvasMode;
  onNodesChange?: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange?: (changes: EdgeChange<FlowEdge>[]) => void;
  onConnect?: (c: Connection) => void;
  isValidConnection?: IsValidConnection<FlowEdge>;
  onConnectStart?: () => void;
  onConnectEnd?: () => void;
  onNodeClick?: NodeMouseHandler<FlowNode>;
  onPaneClick?: () => void;
  onDrop?: (e: DragEvent<HTMLDivElement>) => void;
  onDragOver?: (e: DragEvent<HTMLDivElement>) => void;
  children?: ReactNode;
}

const minimapColor = (n: FlowNode) =>
  n.type === 'trigger' ? '#f59e0b' : n.type === 'branch' ? '#14b8a6' : '#6366f1';
const defaultEdgeOptions = { type: 'smoothstep', style: { strokeWidth: 2 } } as const;
const proOptions = { hideAttribution: true };
const fitViewOptions = { padding: 0.2, maxZoom: 1.2 };
const minimapStyle = { width: 160, height: 110 };

/**
 * The React Flow canvas the builder (`mode="edit"`) and the execution viewer (`mode="view"`) both
 * draw on. The parent owns the graph; run state and validation counts come in as `runs` and
 * `issueCounts` sources, so the canvas knows neither the editor nor the executions store.
 * Node components come from a module-level map.
 */
export function FlowCanvas({
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
  onPaneClick,
  onDrop,
  onDragOver,
  children,
}: FlowCanvasProps) {
  const editable = mode === 'edit';
  // Fit the graph once when the canvas opens on one. React Flow keeps a requested fit pending
  // until nodes exist, so an empty canvas would otherwise zoom and pan to the first step dropped
  // on it, moving it away from the pointer.
  const [fitOnOpen] = useState(() => nodes.length > 0);
  const context = useMemo(() => ({ mode, runs, issueCounts }), [mode, runs, issueCounts]);
  return (
    <CanvasContext.Provider value={context}>
      <ReactFlow<FlowNode, FlowEdge>
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
        minZoom={0.1}
        maxZoom={2}
        proOptions={proOptions}
        aria-label={editable ? 'Workflow canvas' : 'Execution graph'}
      >
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
