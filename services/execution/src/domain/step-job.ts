/**
 * Names of the steps-queue jobs that run a step. BullMQ ignores an add whose job id exists, so
 * enqueueing the same step twice is a no-op; each deliberate re-run (user retry, delay resume,
 * reaper re-drive) gets a new name. BullMQ forbids ':' in custom ids, hence '__'.
 */
export const stepJobId = (executionId: string, nodeId: string) => `${executionId}__${nodeId}`;
export const retryJobId = (executionId: string, nodeId: string, retry: number) =>
  `${stepJobId(executionId, nodeId)}__r${retry}`;
export const resumeJobId = (executionId: string, nodeId: string, resumeAt: number) =>
  `${stepJobId(executionId, nodeId)}__w${resumeAt}`;
export const redriveJobId = (executionId: string, nodeId: string, now: number) =>
  `${stepJobId(executionId, nodeId)}__k${now.toString(36)}`;

/** Data of a step job. */
export interface StepJobData {
  executionId: string;
  nodeId: string;
  /** The step's node type, so the worker knows how to run it before reading anything. */
  type?: string;
  /** Correlation id of the triggering event, so the step's log lines carry it. */
  correlationId?: string;
  /** Attempts already made before this job (a re-driven step keeps counting). */
  attemptOffset?: number;
  /** The job resumes a waiting (delay) step. */
  resumed?: boolean;
  /** Times this job waited for Postgres or Redis to come back (its backoff grows with them). */
  dependencyWaits?: number;
}
