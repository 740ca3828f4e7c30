import { useCallback, useState } from 'react';
import { describeError } from '../../../lib/api-client';
import type { Execution } from '../../../lib/api-types';
import { startRun, useExecutionStore } from '../../executions';

/**
 * "Run once": save the draft, start a draft run with the sample payload, then follow it live
 * (the caller's `watch` keeps the execution store updated so every node lights up).
 */
export function useTestRun(
  workflowId: string | null,
  flush: () => Promise<boolean>,
  watch: (id: string) => Promise<void>,
) {
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async (payload: unknown, runNode?: string): Promise<boolean> => {
      if (!workflowId) return false;
      setError(null);
      setStarting(true);
      try {
        if (!(await flush())) {
          setError(
            'The draft could not be saved, so this run would use an older version. Fix the save problem shown at the top first.',
          );
          return false;
        }
        const { executionId } = await startRun(workflowId, payload, true, runNode);
        const placeholder: Execution = {
          id: executionId,
          workflowId,
          ownerId: '',
          version: null,
          mode: 'manual',
          status: 'queued',
          triggerPayload: payload ?? null,
          error: null,
          // The watch replaces this placeholder with what the execution service recorded.
          stepTest: null,
          createdAt: new Date().toISOString(),
          startedAt: null,
          finishedAt: null,
          durationMs: null,
          steps: [],
        };
        const store = useExecutionStore.getState();
        store.clear();
        store.setExecution(placeholder);
        void watch(executionId);
        return true;
      } catch (err) {
        setError(describeError(err));
        return false;
      } finally {
        setStarting(false);
      }
    },
    [flush, watch, workflowId],
  );

  return { run, starting, error, clearError: () => setError(null) };
}
