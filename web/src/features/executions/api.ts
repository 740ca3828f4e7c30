import { api } from '../../lib/api';
import type { Execution, ExecutionStatus, ExecutionSummary, Page } from '../../lib/api-types';

export interface ExecutionFilter {
  workflowId?: string;
  status?: ExecutionStatus | '';
  cursor?: string | null;
  limit?: number;
}

export function listExecutions(
  filter: ExecutionFilter = {},
  signal?: AbortSignal,
): Promise<Page<ExecutionSummary>> {
  return api.get<Page<ExecutionSummary>>('/api/executions', {
    signal,
    query: {
      workflowId: filter.workflowId,
      status: filter.status,
      cursor: filter.cursor,
      limit: filter.limit ?? 20,
    },
  });
}

export function getExecution(id: string, signal?: AbortSignal): Promise<Execution> {
  return api.get<Execution>(`/api/executions/${encodeURIComponent(id)}`, { signal });
}

export function retryExecution(id: string): Promise<Execution> {
  return api.post<Execution>(`/api/executions/${encodeURIComponent(id)}/retry`, {});
}

export function cancelExecution(id: string): Promise<Execution> {
  return api.post<Execution>(`/api/executions/${encodeURIComponent(id)}/cancel`, {});
}

export function startRun(
  workflowId: string,
  payload: unknown,
  draft: boolean,
  /** "Run this step": only this step of the draft runs, on its upstream steps' data. */
  runNode?: string,
): Promise<{ executionId: string; statusUrl: string }> {
  return api.post(`/api/workflows/${encodeURIComponent(workflowId)}/runs`, {
    payload,
    draft,
    ...(runNode ? { runNode } : {}),
  });
}

export function openExecutionStream(id: string, signal?: AbortSignal): Promise<Response> {
  return api.stream(`/api/executions/${encodeURIComponent(id)}/stream`, signal);
}
