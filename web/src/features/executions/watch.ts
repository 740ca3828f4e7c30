import { ApiError, NetworkError } from '../../lib/api-client';
import { isTerminal, type Execution } from '../../lib/api-types';
import { readSse } from '../../lib/sse';
import { getExecution, openExecutionStream } from './api';

export type WatchMode = 'connecting' | 'live' | 'polling' | 'reconnecting' | 'done';

export interface WatchOptions {
  signal: AbortSignal;
  onUpdate: (execution: Execution) => void;
  onMode?: (mode: WatchMode, detail?: string) => void;
  pollMs?: number;
  /** Stop waiting for a just-created execution after this long (404s). */
  notFoundTimeoutMs?: number;
  /** Injected for tests. */
  deps?: { getExecution: typeof getExecution; openExecutionStream: typeof openExecutionStream };
}

/**
 * Pause before reopening a stream the server ended with `event: reconnect` (its time limit on
 * AWS); the new stream starts with the current state, so nothing is missed meanwhile.
 */
export const RECONNECT_DELAY_MS = 500;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Follow an execution until it finishes. Reads `GET /api/executions/{id}/stream` with fetch
 * (the bearer token cannot ride on EventSource); when the stream is unavailable or drops, polls
 * `GET /api/executions/{id}` every 500 ms. A 404 just after the run was accepted means "not
 * created yet": keep polling. Resolves with the last execution seen (null if aborted first).
 */
export async function watchExecution(id: string, options: WatchOptions): Promise<Execution | null> {
  const {
    signal,
    onUpdate,
    onMode = () => undefined,
    pollMs = 500,
    notFoundTimeoutMs = 30_000,
  } = options;
  const deps = options.deps ?? { getExecution, openExecutionStream };
  let last: Execution | null = null;
  const seen = (e: Execution) => {
    last = e;
    onUpdate(e);
    return isTerminal(e.status);
  };

  const streamOnce = async (): Promise<'done' | 'fallback' | 'reconnect'> => {
    onMode('connecting');
    let res: Response;
    try {
      res = await deps.openExecutionStream(id, signal);
    } catch (err) {
      if (signal.aborted) return 'done';
      if (err instanceof ApiError || err instanceof NetworkError) return 'fallback';
      throw err;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      return 'fallback';
    }
    onMode('live');
    try {
      for await (const ev of readSse(res.body, signal)) {
        if (ev.event === 'reconnect') {
          await res.body.cancel().catch(() => undefined);
          return signal.aborted ? 'done' : 'reconnect';
        }
        if (ev.event !== 'execution' && ev.event !== 'message') continue;
        let parsed: Execution;
        try {
          parsed = JSON.parse(ev.data) as Execution;
        } catch {
          continue;
        }
        if (seen(parsed)) return 'done';
      }
    } catch {
      if (signal.aborted) return 'done';
    }
    return signal.aborted ? 'done' : 'fallback';
  };
  /** Streams, reopening the stream each time the server asks for it, until done or it fails. */
  const tryStream = async (): Promise<'done' | 'fallback'> => {
    for (;;) {
      const outcome = await streamOnce();
      if (outcome !== 'reconnect') return outcome;
      await sleep(RECONNECT_DELAY_MS, signal);
      if (signal.aborted) return 'done';
    }
  };

  if ((await tryStream()) === 'done') {
    if (!signal.aborted) onMode('done');
    return last;
  }

  const startedAt = Date.now();
  let streamRetried = false;
  let failures = 0;
  onMode('polling');
  while (!signal.aborted) {
    try {
      const e = await deps.getExecution(id, signal);
      failures = 0;
      if (seen(e)) break;
      // It exists now: the stream may have failed only because it was too early.
      if (!streamRetried) {
        streamRetried = true;
        if ((await tryStream()) === 'done') break;
        onMode('polling');
      }
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof ApiError && err.status === 404 && last === null) {
        if (Date.now() - startedAt > notFoundTimeoutMs)
          throw new Error(
            'The run was accepted but never started. Check that the executor is running.',
          );
      } else if (err instanceof NetworkError) {
        failures += 1;
        onMode('reconnecting', 'Connection lost: retrying…');
      } else {
        throw err;
      }
    }
    await sleep(failures > 0 ? Math.min(5000, pollMs * 2 ** failures) : pollMs, signal);
  }
  if (!signal.aborted) onMode('done');
  return last;
}
