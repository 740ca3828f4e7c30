import type { WorkflowGraph } from '@flowgenie/contracts';
import { api } from '../../lib/api';
import type { Page, Validation, Workflow, WorkflowSummary } from '../../lib/api-types';

const path = (id: string, rest = '') => `/api/workflows/${encodeURIComponent(id)}${rest}`;

export function listWorkflows(
  params: { name?: string; cursor?: string | null; limit?: number; active?: boolean } = {},
  signal?: AbortSignal,
): Promise<Page<WorkflowSummary>> {
  return api.get<Page<WorkflowSummary>>('/api/workflows', {
    signal,
    query: {
      name: params.name,
      cursor: params.cursor,
      limit: params.limit ?? 20,
      active: params.active,
    },
  });
}

export function getWorkflow(id: string, signal?: AbortSignal): Promise<Workflow> {
  return api.get<Workflow>(path(id), { signal });
}

export function createWorkflow(body: {
  name: string;
  description?: string;
  graph?: WorkflowGraph;
}): Promise<Workflow> {
  return api.post<Workflow>('/api/workflows', body);
}

export function updateWorkflow(
  id: string,
  body: { name?: string; description?: string; graph?: WorkflowGraph },
  signal?: AbortSignal,
): Promise<Workflow> {
  return api.put<Workflow>(path(id), body, { signal });
}

export function deleteWorkflow(id: string): Promise<void> {
  return api.delete(path(id));
}

export function duplicateWorkflow(id: string): Promise<Workflow> {
  return api.post<Workflow>(path(id, '/duplicate'), {});
}

export function validateWorkflow(id: string): Promise<Validation> {
  return api.post<Validation>(path(id, '/validate'), {});
}

export function publishWorkflow(id: string): Promise<{ version: number; createdAt: string }> {
  return api.post(path(id, '/publish'), {});
}

export function activateWorkflow(id: string, version?: number): Promise<Workflow> {
  return api.post<Workflow>(path(id, '/activate'), version === undefined ? {} : { version });
}

export function deactivateWorkflow(id: string): Promise<Workflow> {
  return api.post<Workflow>(path(id, '/deactivate'), {});
}

export interface VersionSummary {
  version: number;
  createdAt: string;
  publishedBy: string | null;
}

export function listVersions(id: string): Promise<{ items: VersionSummary[] }> {
  return api.get(path(id, '/versions'));
}

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface VersionDiff {
  from: { version: number };
  to: { version: number | null };
  nodes: {
    added: { id: string; type: string; name?: string }[];
    removed: { id: string; type: string; name?: string }[];
    changed: { id: string; type: string; changes: FieldChange[] }[];
  };
  edges: {
    added: { source: string; sourceHandle: string; target: string }[];
    removed: { source: string; sourceHandle: string; target: string }[];
  };
  notes: { added: number; removed: number; changed: number };
  same: boolean;
}

/** What changed from published `version` to the draft or to another version. */
export function diffVersion(
  id: string,
  version: number,
  against: 'draft' | number = 'draft',
): Promise<VersionDiff> {
  return api.get(path(id, `/versions/${version}/diff`), { query: { against } });
}

/** A workflow as a portable document (docs/API.md: no ids, no secrets). */
export interface WorkflowExport {
  format: 'flowgenie.workflow';
  formatVersion: 1;
  name: string;
  description: string;
  graph: WorkflowGraph;
  secretsOmitted: { nodeId: string; field: string }[];
}

export function exportWorkflow(id: string): Promise<WorkflowExport> {
  return api.get(path(id, '/export'));
}

/** Sends a parsed file as is: the catalog checks it and locates each problem. */
export function importWorkflow(document: unknown): Promise<Workflow> {
  return api.post<Workflow>('/api/workflows/import', document);
}

export interface WorkflowTemplate {
  id: string;
  name: string;
  description: string;
  graph: WorkflowGraph;
}

export function listTemplates(): Promise<{ items: WorkflowTemplate[] }> {
  return api.get('/api/workflows/templates');
}

export function createFromTemplate(templateId: string, name?: string): Promise<Workflow> {
  return api.post<Workflow>('/api/workflows/from-template', {
    templateId,
    ...(name ? { name } : {}),
  });
}

export function nextFireTimes(
  id: string,
  count = 5,
  signal?: AbortSignal,
): Promise<{ nextFireTimes: string[] }> {
  return api.get(path(id, '/schedule'), { query: { count }, signal });
}
