import { useCallback, useEffect, useRef } from 'react';
import type { WorkflowGraph } from '@flowgenie/contracts';
import { ApiError, NetworkError, describeError } from '../../../lib/api-client';
import { localStore } from '../../../lib/local-store';
import { updateWorkflow } from '../../workflows';
import { useEditorStore } from '../store';

export const SAVE_DEBOUNCE_MS = 800;
const OFFLINE_RETRY_MS = 5000;

/** An edit that was not confirmed by the server, kept on this device. */
export interface LocalDraft {
  name: string;
  graph: WorkflowGraph;
  keptAt: string;
}

export const localDraftKey = (workflowId: string) => `fg:draft:${workflowId}`;

function keepLocally(workflowId: string): boolean {
  const s = useEditorStore.getState();
  if (s.workflowId !== workflowId) return true;
  return localStore.set(localDraftKey(workflowId), {
    name: s.name,
    graph: s.toGraph(),
    keptAt: new Date().toISOString(),
  } satisfies LocalDraft);
}

function isDirty(workflowId: string): boolean {
  const s = useEditorStore.getState();
  return s.workflowId === workflowId && s.revision !== s.savedRevision;
}

/**
 * Debounced draft autosave (PUT /api/workflows/{id}) with a visible state. Every edit is first
 * kept in localStorage; the copy is dropped only once the server has the same revision. Offline,
 * saving retries every few seconds and when the browser reports it is back online.
 * `flush()` saves now and resolves true once the server has everything (used before Run/Publish).
 */
export function useAutosave(workflowId: string | null, enabled: boolean) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const localTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);

  const saveOnce = useCallback(async (): Promise<boolean> => {
    if (!workflowId) return true;
    const s = useEditorStore.getState();
    if (s.workflowId !== workflowId || s.revision === s.savedRevision) return true;
    const rev = s.revision;
    s.setSaveState('saving');
    try {
      const wf = await updateWorkflow(workflowId, { name: s.name, graph: s.toGraph() });
      const now = useEditorStore.getState();
      if (now.workflowId !== workflowId) return true;
      now.setMeta(wf);
      now.setValidation(wf.validation?.errors ?? []);
      if (now.revision === rev) {
        now.setSaveState('saved', null, rev);
        localStore.remove(localDraftKey(workflowId));
      } else {
        now.setSaveState('unsaved', null, rev);
      }
      return true;
    } catch (err) {
      const now = useEditorStore.getState();
      if (now.workflowId !== workflowId) return false;
      const kept = keepLocally(workflowId);
      if (err instanceof NetworkError) {
        now.setSaveState(
          'offline',
          kept
            ? 'No connection. Your changes are kept on this device and will be saved when the connection returns.'
            : 'No connection, and this browser would not keep a copy: your latest changes are NOT saved. Keep this tab open until the connection returns.',
        );
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => void flushRef.current(), OFFLINE_RETRY_MS);
      } else if (err instanceof ApiError && err.status === 401) {
        now.setSaveState(
          'error',
          'Not saved: your session expired. Your changes are kept on this device; sign in again to save them.',
        );
      } else if (err instanceof ApiError && err.status === 404) {
        now.setSaveState(
          'error',
          'Not saved: this workflow no longer exists (was it deleted in another tab?).',
        );
      } else if (err instanceof ApiError && err.status === 400 && err.details.length > 0) {
        now.setSaveState(
          'error',
          `Not saved: ${err.details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ')}`,
        );
      } else {
        now.setSaveState('error', `Not saved: ${describeError(err)}`);
      }
      return false;
    }
  }, [workflowId]);

  const flush = useCallback(async (): Promise<boolean> => {
    if (!workflowId) return true;
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    for (let i = 0; i < 5; i += 1) {
      while (inFlight.current) await inFlight.current;
      if (!isDirty(workflowId)) return true;
      inFlight.current = saveOnce().finally(() => {
        inFlight.current = null;
      });
      const ok = await inFlight.current;
      if (!ok) return false;
    }
    return !isDirty(workflowId);
  }, [saveOnce, workflowId]);

  const flushRef = useRef(flush);
  flushRef.current = flush;

  useEffect(() => {
    if (!enabled || !workflowId) return;
    const unsubscribe = useEditorStore.subscribe((s, prev) => {
      if (
        s.workflowId !== workflowId ||
        s.revision === prev.revision ||
        s.revision === s.savedRevision
      )
        return;
      if (localTimer.current) clearTimeout(localTimer.current);
      localTimer.current = setTimeout(() => keepLocally(workflowId), 250);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void flushRef.current(), SAVE_DEBOUNCE_MS);
    });
    const onOnline = () => {
      if (isDirty(workflowId)) void flushRef.current();
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!isDirty(workflowId)) return;
      keepLocally(workflowId);
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('beforeunload', onBeforeUnload);
      if (timer.current) clearTimeout(timer.current);
      if (localTimer.current) clearTimeout(localTimer.current);
      if (isDirty(workflowId)) {
        // Leaving the builder: keep a copy, then try to save; the copy goes once the save lands.
        keepLocally(workflowId);
        void flushRef.current();
      }
    };
  }, [enabled, workflowId]);

  return { flush };
}
