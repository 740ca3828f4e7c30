/**
 * Shapes of the FlowGenie HTTP API as the browser sees them (docs/API.md). The workflow graph,
 * users, sessions, statuses and validation results are the contract's types (`@flowgenie/contracts`,
 * type-only imports so nothing of zod reaches the bundle), so the web and the services agree.
 */
import type {
  ApiKeyResponse,
  CreatedApiKeyResponse,
  WorkflowGraph,
  WorkflowNode,
  WorkflowEdge,
  ErrorDetail,
  ExecutionStatus,
  SessionResponse,
  StepStatus,
  TriggerMode,
  UserResponse,
  ValidationIssue,
  ValidationResult,
} from '@flowgenie/contracts';

export type { WorkflowGraph, WorkflowNode, WorkflowEdge, ErrorDetail, ExecutionStatus, StepStatus };

export type User = UserResponse;

/** The web signs in with `client: 'browser'`: the refresh token stays in the cookie. */
export type AuthResponse = Omit<SessionResponse, 'refreshToken'>;

export type ApiKey = ApiKeyResponse;
export type CreatedApiKey = CreatedApiKeyResponse;

export type ValidationError = ValidationIssue;
export type Validation = ValidationResult;

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
  /** Absent from the answers of save, activate and deactivate: keep the one already shown. */
  lastExecution?: { id: string; status: ExecutionStatus; at: string } | null;
  /** False when the execution service did not answer in time: the last run is unknown. */
  lastExecutionKnown?: boolean;
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
  mode: TriggerMode;
  status: ExecutionStatus;
  triggerPayload?: unknown;
  error: { message: string; nodeId?: string } | null;
  /** Set for a "Run this step" test run: the one step it ran (its name in the draft then). */
  stepTest: { nodeId: string; name: string } | null;
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
