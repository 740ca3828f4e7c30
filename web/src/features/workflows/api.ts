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

export function listVersions(
  id: string,
): Promise<{ items: { version: number; createdAt: string }[] }> {
  return api.get(path(id, '/versions'));
}

export function nextFireTimes(
  id: string,
  count = 5,
  signal?: AbortSignal,
): Promise<{ nextFireTimes: string[] }> {
  return api.get(path(id, '/schedule'), { query: { count }, signal });
}
