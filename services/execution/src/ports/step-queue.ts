import type { RetryPolicy } from '@flowgenie/contracts';
import type { StepJobData } from '../domain/step-job';

export interface StepJob {
  jobId: string;
  data: StepJobData;
  /** Attempts this job may make (BullMQ's own count). */
  attempts: number;
  backoff: RetryPolicy['backoff'];
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
}

/**
 * The queue of steps to run (a BullMQ queue locally). Adding a job whose id is already in the
 * queue does nothing.
 *
 * @example
 * await queue.enqueue([{ jobId: stepJobId(executionId, 'fetch'), data: { executionId, nodeId: 'fetch' }, attempts: 3, backoff }]);
 */
export interface StepQueue {
  enqueue(jobs: StepJob[]): Promise<void>;
  /** Removes jobs that are waiting or delayed; a job a worker is running is left alone. */
  remove(jobIds: string[]): Promise<void>;
  /** Which of these jobs are still waiting, delayed or being run. */
  live(jobIds: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}
