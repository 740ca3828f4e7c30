import type { WebhookResponseMessage } from '@flowgenie/contracts';
import type { Execution, Step } from '../domain/execution';
import type { StartEvent } from './execution-store';
import type { StepJob } from './step-queue';

/**
 * What the first in-memory steps of a start did before the start was written, for the start to
 * write with its own rows: the execution, its steps and their results in one statement instead
 * of a start and a chain's record.
 */
export interface ChainedStart {
  /** The execution as the steps left it (ended, when nothing is left to run). */
  execution: Execution;
  /** Every step as it stands after them. */
  steps: Step[];
  /** The execution's end event, when it ended. */
  events: StartEvent[];
  /** After the write: the steps queued next, and the answers for a caller waiting on it. */
  jobs: StepJob[];
  messages: WebhookResponseMessage[];
  /** Once the write is decided: the steps' metrics and log lines (discarded when not written). */
  settle(written: boolean): void;
}

/**
 * The executor of this process, as a start sees it: a start whose first step is an in-memory one
 * (transform, if, respond) has it run before anything is written. Nothing needs writing before
 * such steps (they have no effect outside), and a crash before the start's write leaves its event
 * to be delivered again, which runs them again.
 */
export interface FirstChains {
  /** Runs `job`'s steps of an execution not yet written; undefined: no executor here takes it. */
  runBeforeStart(
    execution: Execution,
    steps: Step[],
    job: StepJob,
  ): Promise<ChainedStart | undefined>;
}
