import type { WorkflowGraph } from '@flowgenie/contracts';
import type { Workflow } from './workflow';

export const EXPORT_FORMAT = 'flowgenie.workflow';
export const EXPORT_FORMAT_VERSION = 1;

/**
 * A workflow as a portable file. It holds no ids of its own: import gives a new workflow id and
 * hook id, while node and edge ids are kept because expressions name nodes (`steps.<id>`).
 */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  name: string;
  description: string;
  graph: WorkflowGraph;
}

export function toExportDocument(workflow: Pick<Workflow, 'name' | 'description' | 'graph'>): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    name: workflow.name,
    description: workflow.description,
    graph: workflow.graph,
  };
}
