import { useCallback, useEffect, useRef } from 'react';
import { describeError } from '../../../lib/api-client';
import { useExecutionStore } from '../store';
import { watchExecution } from '../watch';

/**
 * Follow executions into the execution store. `watch(id)` stops any previous watch; the last
 * one is aborted on unmount.
 */
export function useExecutionWatch() {
  const controller = useRef<AbortController | null>(null);

  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
  }, []);

  const watch = useCallback(
    async (id: string) => {
      stop();
      const ac = new AbortController();
      controller.current = ac;
      const store = useExecutionStore.getState();
      store.setError(null);
      try {
        await watchExecution(id, {
          signal: ac.signal,
          onUpdate: (e) => useExecutionStore.getState().setExecution(e),
          onMode: (mode, detail) => useExecutionStore.getState().setMode(mode, detail ?? null),
        });
      } catch (err) {
        if (!ac.signal.aborted) {
          useExecutionStore.getState().setError(describeError(err));
          useExecutionStore.getState().setMode('done');
        }
      }
    },
    [stop],
  );

  useEffect(() => stop, [stop]);
  return { watch, stop };
}
