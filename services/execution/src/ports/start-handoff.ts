import type { ExecutionDetail } from '../domain/execution';

/**
 * Executions this process has just started, handed to the executor of the same process: the
 * first chain then runs on the rows the start wrote instead of reading them back (one statement
 * fewer per execution). A chain records only if the execution is unchanged since that revision
 * (a cancel in between is seen there), so a handed detail is as safe as a read one. A miss (the
 * executor runs elsewhere, the entry expired) reads from the store.
 */
export interface StartHandoff {
  /** Keeps `detail` for the executor, when one runs in this process. */
  put(detail: ExecutionDetail): void;
  /** The detail the start handed over, once; undefined when there is none (read it then). */
  take(executionId: string): ExecutionDetail | undefined;
}
