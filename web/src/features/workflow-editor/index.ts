export { EditorPage } from './components/EditorPage';
export { FlowCanvas } from './canvas/FlowCanvas';
export { useEditorStore } from './store';
export type { FlowNode, FlowEdge } from './store';
