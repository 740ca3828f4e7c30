import type { Execution, Step } from '../../domain/execution';
import type { ChainedStart, FirstChains } from '../../ports/first-chain';
import type { StepJob, StepQueue } from '../../ports/step-queue';

/** The executor of this process, as the steps the start hands over see it. */
export interface StepRunnerHere {
  /** Whether steps of this node type only compute over their input (transform, if, respond). */
  inMemory(type: string): boolean;
  /** Steps it runs at once at most (beyond them, jobs go to the queue). */
  room: number;
  /** Runs the job's attempt; what comes after (a retry) is the runner's to queue. */
  run(job: StepJob): Promise<void>;
  /** Runs the job's steps of an execution not yet written (see FirstChains). */
  beforeStart(execution: Execution, steps: Step[], job: StepJob): Promise<ChainedStart>;
}

/**
 * Step jobs the start of this process hands to the executor of this process (the one-process
 * mode) instead of putting them on the queue and taking them back: an add, two fetches, a
 * blocking wait and a finish on Redis fewer per execution. Only first attempts of in-memory steps
 * (transform, if, respond) are handed over: they have no side effect, so the reaper re-driving
 * one whose process died (no queue job then) cannot repeat anything outside. Their retries, and
 * every other step, go through the queue as before.
 */
export class InProcessSteps implements FirstChains {
  private runner?: StepRunnerHere;
  private readonly running = new Map<string, Promise<void>>();

  /** The executor of this process runs handed steps from now on. */
  open(runner: StepRunnerHere): void {
    this.runner = runner;
  }

  /** That executor stops: no more are handed over; resolves once those running are over. */
  async close(): Promise<void> {
    this.runner = undefined;
    await Promise.all(this.running.values());
  }

  /** Starts `job` here if the executor of this process takes it; false: queue it. */
  take(job: StepJob): boolean {
    const runner = this.admitting(job);
    if (!runner) return false;
    const run = runner.run(job).finally(() => this.running.delete(job.jobId));
    this.running.set(job.jobId, run);
    return true;
  }

  /**
   * Runs the first steps of a start not yet written here, if the executor of this process takes
   * its job (as {@link take} decides); undefined: the start is written as usual.
   */
  async runBeforeStart(
    execution: Execution,
    steps: Step[],
    job: StepJob,
  ): Promise<ChainedStart | undefined> {
    const runner = this.admitting(job);
    if (!runner) return undefined;
    const run = runner.beforeStart(execution, steps, job);
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.running.set(job.jobId, done);
    try {
      return await run;
    } finally {
      this.running.delete(job.jobId);
    }
  }

  /** The runner that takes `job` now: open, with room, not running it, and handed such jobs. */
  private admitting(job: StepJob): StepRunnerHere | undefined {
    const runner = this.runner;
    if (!runner || this.running.size >= runner.room || this.running.has(job.jobId))
      return undefined;
    return isHandedOver(job, runner) ? runner : undefined;
  }

  /** Whether `jobId` is being run here (for the reaper, as a live queue job). */
  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }
}

/** A first attempt (not a retry, a resume or a re-drive that counts on), due now, of an in-memory step. */
function isHandedOver(job: StepJob, runner: StepRunnerHere): boolean {
  const { type, attemptOffset, resumed } = job.data;
  return !job.delayMs && !attemptOffset && !resumed && type !== undefined && runner.inMemory(type);
}

const byPrefix = new Map<string, InProcessSteps>();

/**
 * The steps handed over within this process between a start and an executor of the same
 * deployment (Redis prefix: tests run several in one process).
 */
export function processStepsOf(prefix: string): InProcessSteps {
  let steps = byPrefix.get(prefix);
  if (!steps) byPrefix.set(prefix, (steps = new InProcessSteps()));
  return steps;
}

/**
 * The steps queue as the start of a process with an executor sees it: a job that executor
 * takes runs here at once, the others are queued.
 */
export class HandingStepQueue implements StepQueue {
  constructor(
    private readonly queue: StepQueue,
    private readonly here: InProcessSteps,
  ) {}

  async enqueue(jobs: StepJob[]): Promise<void> {
    // A job running here is not queued again (as the queue ignores a job id it holds): a
    // redelivered event's start would otherwise run its step twice at once.
    const queued = jobs.filter((job) => !this.here.isRunning(job.jobId) && !this.here.take(job));
    if (queued.length > 0) await this.queue.enqueue(queued);
  }

  /** A step running here is left alone, as the queue leaves a job a worker runs. */
  remove(jobIds: string[]): Promise<void> {
    return this.queue.remove(jobIds);
  }

  async live(jobIds: string[]): Promise<Set<string>> {
    const live = await this.queue.live(jobIds);
    for (const id of jobIds) if (this.here.isRunning(id)) live.add(id);
    return live;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
