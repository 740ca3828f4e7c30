/**
 * Work that must not wait behind background work of the same process: firings being recorded
 * (schedule ticks, and webhooks answered at once). While some runs, background loops (the outbox
 * relay, event consumers) hold off taking new work, so on a busy machine the firings commit first
 * and the executions they start follow from the backlog, at least one relay batch every
 * {@link FOREGROUND_MAX_WAIT_MS}. Process-local: with one process per service it changes nothing.
 */
let running = 0;
let waiters: Array<() => void> = [];

/** Background work waits at most this long for foreground work (it cannot be starved). */
export const FOREGROUND_MAX_WAIT_MS = 2000;

/**
 * Runs `work` as foreground work.
 *
 * @example
 * await inForeground(() => fireSchedule.executeMany(ticks));
 */
export async function inForeground<T>(work: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    if (running === 0) {
      const ready = waiters;
      waiters = [];
      for (const resume of ready) resume();
    }
  }
}

/**
 * Resolves at once when no foreground work runs, else when it has all finished (or after
 * `maxWaitMs`). Background loops await it before taking their next batch or job.
 */
export function afterForeground(maxWaitMs = FOREGROUND_MAX_WAIT_MS): Promise<void> {
  if (running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, maxWaitMs);
    function done() {
      clearTimeout(timer);
      waiters = waiters.filter((w) => w !== done);
      resolve();
    }
    waiters.push(done);
  });
}
