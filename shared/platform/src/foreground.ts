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
/** Background work waiting for no foreground work at all (`untilQuiet`). */
let quietWaiters: Array<() => void> = [];

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
    if (running.size === 0) {
      const ready = quietWaiters;
      quietWaiters = [];
      for (const resume of ready) resume();
    }
  }
}

/**
 * Resolves at once when no foreground work runs, else when the foreground work running now has
 * finished (or after `maxWaitMs`). Work that starts later does not hold the caller back, so a
 * steady stream of it cannot starve background loops. They await it before taking their next
 * batch or job. `untilQuiet`: wait until no foreground work runs at all, still at most
 * `maxWaitMs`: the one-process relay's choice, where acknowledgements and executions share one
 * event loop (see the outbox relay's `holdForIntake`).
 */
export function afterForeground(
  maxWaitMs = FOREGROUND_MAX_WAIT_MS,
  opts: { untilQuiet?: boolean } = {},
): Promise<void> {
  if (running.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      quietWaiters = quietWaiters.filter((w) => w !== done);
      resolve();
    };
    const timer = setTimeout(done, maxWaitMs);
    if (opts.untilQuiet) quietWaiters.push(done);
    else void Promise.all(running).then(done);
  });
}
