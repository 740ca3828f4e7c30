import { maskSecrets } from '@flowgenie/workflow';
import {
  durationMs,
  type Execution,
  type ExecutionDetail,
  type Step,
} from '../../domain/execution';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An execution as the list shows it (no steps, graph or payload). */
export function toSummaryDto(e: Execution) {
  return {
    id: e.id,
    workflowId: e.workflowId,
    ownerId: e.ownerId,
    version: e.version,
    mode: e.mode,
    status: e.status,
    error: e.error,
    stepTest: e.stepTest,
    createdAt: e.createdAt.toISOString(),
    startedAt: iso(e.startedAt),
    finishedAt: iso(e.finishedAt),
    durationMs: durationMs(e.startedAt, e.finishedAt),
  };
}

export function toStepDto(s: Step) {
  return {
    nodeId: s.nodeId,
    type: s.type,
    status: s.status,
    attempts: s.attempts,
    maxAttempts: s.maxAttempts,
    input: s.input,
    output: s.output,
    error: s.error,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
    durationMs: durationMs(s.startedAt, s.finishedAt),
    ...(s.handle ? { handle: s.handle } : {}),
    ...(s.resumeAt && s.status === 'waiting' ? { resumeAt: s.resumeAt.toISOString() } : {}),
    attemptLog: s.attemptLog,
  };
}

/** The API's Execution (docs/API.md). */
export function toDetailDto(e: ExecutionDetail) {
  const { error, createdAt, startedAt, finishedAt, durationMs: ms, ...head } = toSummaryDto(e);
  return {
    ...head,
    triggerPayload: e.triggerPayload,
    error,
    createdAt,
    startedAt,
    finishedAt,
    durationMs: ms,
    // Secret config values (sealed, but still nobody's business) show as the placeholder, as in the catalog.
    graph: maskSecrets(e.graph),
    steps: e.steps.map(toStepDto),
  };
}
