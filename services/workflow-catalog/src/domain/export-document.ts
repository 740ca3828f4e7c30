import type { WorkflowGraph } from '@flowgenie/contracts';
import type { Workflow } from './workflow';

export const EXPORT_FORMAT = 'flowgenie.workflow';
/** 2: one `{{ }}` syntax in every field (1: transform and if held raw JSONata). */
export const EXPORT_FORMAT_VERSION = 2;

/** A secret config field left out of an export: `graph.nodes[id = nodeId].config[field]`. */
export interface OmittedSecret {
  nodeId: string;
  field: string;
}

/**
 * A workflow as a portable file. It holds no ids of its own: import gives a new workflow id and
 * hook id, while node and edge ids are kept because expressions name nodes (`steps.<id>`).
 * It holds no secrets either: each one set in the workflow shows the placeholder in `graph` and
 * is listed in `secretsOmitted`, so whoever imports it knows what to enter again.
 */
export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  formatVersion: typeof EXPORT_FORMAT_VERSION;
  name: string;
  description: string;
  graph: WorkflowGraph;
  secretsOmitted: OmittedSecret[];
}

/** `workflow.graph` must already have its secrets masked; `secretsOmitted` names them. */
export function toExportDocument(
  workflow: Pick<Workflow, 'name' | 'description' | 'graph'>,
  secretsOmitted: OmittedSecret[],
): ExportDocument {
  return {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    name: workflow.name,
    description: workflow.description,
    graph: workflow.graph,
    secretsOmitted,
  };
}

/** What an import reads: an export document (its `secretsOmitted` is informative only). */
export type ImportDocument = Omit<ExportDocument, 'secretsOmitted' | 'formatVersion'> & {
  formatVersion: 1 | typeof EXPORT_FORMAT_VERSION;
};
