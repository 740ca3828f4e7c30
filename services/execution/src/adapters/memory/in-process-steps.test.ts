import type { Execution, Step } from '../../domain/execution';
import type { ChainedStart } from '../../ports/first-chain';
import type { StepJob, StepQueue } from '../../ports/step-queue';
import { HandingStepQueue, InProcessSteps } from './in-process-steps';

const job = (jobId: string, type = 'transform'): StepJob => ({
  jobId,
  data: { executionId: 'e', nodeId: jobId, type },
  attempts: 1,
  backoff: { type: 'fixed', delayMs: 1000 },
});

/** A queue that records what reaches it and reports it all live. */
class RecordingQueue implements StepQueue {
  queued: string[] = [];
  async enqueue(jobs: StepJob[]) {
    this.queued.push(...jobs.map((j) => j.jobId));
  }
  async remove() {}
  async live(jobIds: string[]) {
    return new Set(jobIds.filter((id) => this.queued.includes(id)));
  }
  async close() {}
}

/** Steps run here until released. */
function heldRunner(room: number) {
  const ran: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  return {
    ran,
    release: () => release(),
    runner: {
      room,
      inMemory: (type: string) => type === 'transform',
      run: async (j: StepJob) => {
        ran.push(j.jobId);
        await released;
      },
      beforeStart: async (execution: Execution, steps: Step[], j: StepJob) => {
        ran.push(`before start ${j.jobId}`);
        await released;
        return { execution, steps, events: [], jobs: [], messages: [], settle: () => {} };
      },
    },
  };
}

describe('steps handed to the executor of this process', () => {
  it('queues every job while no executor runs here', async () => {
    const queue = new RecordingQueue();
    await new HandingStepQueue(queue, new InProcessSteps()).enqueue([job('a'), job('b')]);
    expect(queue.queued).toEqual(['a', 'b']);
  });

  it('runs here the jobs the executor accepts, up to its room, and queues the rest', async () => {
    // Prepare: an executor with room for two that takes transforms only
    const here = new InProcessSteps();
    const held = heldRunner(2);
    here.open(held.runner);
    const queue = new RecordingQueue();
    const steps = new HandingStepQueue(queue, here);

    // Act
    await steps.enqueue([job('a'), job('http', 'http'), job('b'), job('c')]);

    // Assess: two run here, the HTTP step and the one beyond the room are queued; the live
    // jobs are both kinds, as the reaper needs them
    expect(held.ran).toEqual(['a', 'b']);
    expect(queue.queued).toEqual(['http', 'c']);
    expect([...(await steps.live(['a', 'b', 'c', 'http', 'gone']))].sort()).toEqual([
      'a',
      'b',
      'c',
      'http',
    ]);

    // A job running here is neither run again nor queued (a redelivered event's start)
    await steps.enqueue([job('a')]);
    expect(held.ran.filter((id) => id === 'a')).toHaveLength(1);
    expect(queue.queued).toEqual(['http', 'c']);

    // A step over is no longer live, and its room is free again
    held.release();
    await new Promise((r) => setImmediate(r));
    expect(here.isRunning('a')).toBe(false);
    await steps.enqueue([job('d')]);
    expect(held.ran).toContain('d');

    // With room left, a retry, a resume or a job due later is still queued, whatever its type
    await steps.enqueue([
      { ...job('retry'), data: { ...job('retry').data, attemptOffset: 1 } },
      { ...job('resume'), data: { ...job('resume').data, resumed: true } },
      { ...job('later'), delayMs: 1000 },
    ]);
    expect(queue.queued).toEqual(['http', 'c', 'retry', 'resume', 'later']);
  });

  it('takes nothing once its executor stops, which waits for the steps running here', async () => {
    const here = new InProcessSteps();
    const held = heldRunner(5);
    here.open(held.runner);
    const steps = new HandingStepQueue(new RecordingQueue(), here);
    await steps.enqueue([job('a')]);

    let closed = false;
    const closing = here.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false);
    expect(here.take(job('b'))).toBe(false);
    held.release();
    await closing;
    expect(closed).toBe(true);
  });

  it("runs a start's first step before the start is written, within the same room", async () => {
    const execution = { id: 'e' } as Execution;
    // No executor here: the start is written as usual
    const here = new InProcessSteps();
    expect(await here.runBeforeStart(execution, [], job('a'))).toBeUndefined();

    const held = heldRunner(1);
    here.open(held.runner);
    // Not an in-memory step, or a retry: not run before the start
    expect(await here.runBeforeStart(execution, [], job('http', 'http'))).toBeUndefined();
    const retry = { ...job('r'), data: { ...job('r').data, attemptOffset: 1 } };
    expect(await here.runBeforeStart(execution, [], retry)).toBeUndefined();

    // Run here: it takes the room (a handed step is queued meanwhile) and is live for the reaper
    const running = here.runBeforeStart(execution, [], job('a'));
    const queue = new RecordingQueue();
    await new HandingStepQueue(queue, here).enqueue([job('b')]);
    expect(queue.queued).toEqual(['b']);
    expect(here.isRunning('a')).toBe(true);
    expect(await here.runBeforeStart(execution, [], job('c'))).toBeUndefined();
    held.release();
    const chained: ChainedStart | undefined = await running;
    expect(chained?.execution).toBe(execution);
    expect(held.ran).toEqual(['before start a']);
    expect(here.isRunning('a')).toBe(false);
  });
});
