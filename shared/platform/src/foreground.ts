/**
 * Work that must not wait behind background work of the same process: firings being recorded
 * (schedule ticks, and webhooks answered at once). While some runs, background loops (the outbox
 * relay, event consumers) hold off taking new work until the foreground work running when they
 * asked has finished, so on a busy machine the firings commit first and the executions they
 * start follow from the backlog. Process-local: in the one-process mode it orders the firings
 * before the executions; with one process per service only the trigger service's own relay and
 * consumers wait.
 */
/** A promise per foreground task in flight, settled when it finishes. */
const running = new Set<Promise<void>>();

/** Background work waits at most this long for foreground work (it cannot be starved). */
export const FOREGROUND_MAX_WAIT_MS = 2000;

/**
 * Runs `work` as foreground work.
 *
 * @example
 * await inForeground(() => fireSchedule.executeMany(ticks));
 */
export async function inForeground<T>(work: () => Promise<T>): Promise<T> {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  running.add(done);
  try {
    return await work();
  } finally {
    running.delete(done);
    finish();
  }
}

/**
 * Resolves at once when no foreground work runs, else when the foreground work running now has
 * finished (or after `maxWaitMs`). Work that starts later does not hold the caller back, so a
 * steady stream of it (webhooks answered at once, one after the other) cannot starve background
 * loops. They await it before taking their next batch or job.
 */
export function afterForeground(maxWaitMs = FOREGROUND_MAX_WAIT_MS): Promise<void> {
  if (running.size === 0) return Promise.resolve();
  const current = Promise.all(running);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    void current.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
