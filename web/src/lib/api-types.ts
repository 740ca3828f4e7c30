/**
 * Shapes of the FlowGenie HTTP API as the browser sees them (docs/API.md). The workflow graph
 * itself comes from `@flowgenie/contracts`, so the editor and workflow-catalog agree on it.
 */
import type { WorkflowGraph, WorkflowNode, WorkflowEdge, ErrorDetail } from '@flowgenie/contracts';

export type { WorkflowGraph, WorkflowNode, WorkflowEdge, ErrorDetail };

export interface User {
  id: string;
  email: string;
  createdAt: string;
}

export interface AuthResponse {
  user: User;
  accessToken: string;
  expiresIn: number;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
  createdAt: string;
}

export interface ValidationError {
  nodeId?: string;
  path: string;
  message: string;
}

export interface Validation {
  ok: boolean;
  errors: ValidationError[];
}

export type ExecutionStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface Workflow {
  id: string;
  name: string;
  description?: string | null;
  graph: WorkflowGraph;
  active: boolean;
  activeVersion: number | null;
  latestVersion: number | null;
  hookId: string;
  hookPath: string;
  createdAt: string;
  updatedAt: string;
  draftChangedSincePublish: boolean;
  validation: Validation;
  lastExecution: { id: string; status: ExecutionStatus; at: string } | null;
}

export type WorkflowSummary = Omit<Workflow, 'graph'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type JsonSchema = Record<string, unknown>;

export interface NodeTypeInfo {
  type: string;
  version: number;
  category: 'trigger' | 'action' | 'logic' | string;
  displayName: string;
  description: string;
  configSchema: JsonSchema;
  outputs: string[];
  outputSchema?: JsonSchema;
}

export type StepStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'canceled'
  | 'waiting';

export interface AttemptLogEntry {
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  error?: string | { message: string; code?: string } | null;
}

export interface ExecutionStep {
  nodeId: string;
  type: string;
  status: StepStatus;
  attempts: number;
  maxAttempts: number;
  input: unknown;
  output: unknown;
  error: { message: string; code?: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  handle?: string;
  attemptLog: AttemptLogEntry[];
}

export interface Execution {
  id: string;
  workflowId: string;
  ownerId: string;
  version: number | null;
  mode: 'webhook' | 'schedule' | 'manual' | 'poll' | 'event';
  status: ExecutionStatus;
  triggerPayload?: unknown;
  error: { message: string; nodeId?: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  graph?: WorkflowGraph;
  steps?: ExecutionStep[];
}

export type ExecutionSummary = Omit<Execution, 'graph' | 'steps' | 'triggerPayload'>;

export const TERMINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'succeeded',
  'failed',
  'canceled',
];

export function isTerminal(status: ExecutionStatus): boolean {
  return TERMINAL_EXECUTION_STATUSES.includes(status);
}
