import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ReactFlowProvider } from '@xyflow/react';
import { Button } from '../../../components/Button';
import { Banner, InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { ApiError, describeError } from '../../../lib/api-client';
import { isTerminal } from '../../../lib/api-types';
import { formatDateTime } from '../../../lib/format';
import { localStore } from '../../../lib/local-store';
import { getExecution, useExecutionStore, useExecutionWatch } from '../../executions';
import { kindOf, useNodeTypesStore } from '../../node-types';
import { getWorkflow } from '../../workflows';
import { EditorCanvas } from '../canvas/EditorCanvas';
import { localDraftKey, useAutosave, type LocalDraft } from '../hooks/useAutosave';
import { useEditorShortcuts } from '../hooks/useEditorShortcuts';
import { useTestRun } from '../hooks/useTestRun';
import { useEditorStore } from '../store';
import { TestRunnerContext, type TestRunner } from '../testing';
import { EditorToolbar } from './EditorToolbar';
import { Palette } from './Palette';
import { RunDialog } from './RunDialog';
import { RunStatusBar } from './RunStatusBar';
import { SidePanel } from './SidePanel';

export function EditorPage() {
  const { workflowId } = useParams();
  if (!workflowId) return null;
  return (
    <ReactFlowProvider>
      <EditorScreen key={workflowId} workflowId={workflowId} />
    </ReactFlowProvider>
  );
}

type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'error'; message: string }
  | { kind: 'notfound' };

function EditorScreen({ workflowId }: { workflowId: string }) {
  const [load, setLoad] = useState<LoadState>({ kind: 'loading' });
  const [localDraft, setLocalDraft] = useState<LocalDraft | null>(null);
  const [canvasError, setCanvasError] = useState<string | null>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const saveState = useEditorStore((s) => s.saveState);
  const saveError = useEditorStore((s) => s.saveError);
  const ready = load.kind === 'ready';

  const { flush } = useAutosave(workflowId, ready);
  const { watch } = useExecutionWatch();
  const testRun = useTestRun(workflowId, flush, watch);
  const onSave = useCallback(() => void flush(), [flush]);
  const runner = useMemo<TestRunner>(
    () => ({ run: testRun.run, watch, starting: testRun.starting, error: testRun.error }),
    [testRun.run, watch, testRun.starting, testRun.error],
  );
  useEditorShortcuts({ onSave, onAnnounce: setAnnouncement });

  const fetchAll = useCallback(async () => {
    setLoad({ kind: 'loading' });
    const catalog = useNodeTypesStore.getState().ensureLoaded();
    try {
      const wf = await getWorkflow(workflowId);
      await catalog;
      const store = useEditorStore.getState();
      store.load(workflowId, wf.name, wf.graph, kindOf);
      store.setMeta(wf);
      store.setValidation(wf.validation?.errors ?? []);
      useExecutionStore.getState().clear();
      const kept = localStore.get<LocalDraft>(localDraftKey(workflowId));
      if (
        kept &&
        (JSON.stringify(kept.graph) !== JSON.stringify(store.toGraph()) || kept.name !== wf.name)
      )
        setLocalDraft(kept);
      else localStore.remove(localDraftKey(workflowId));
      setLoad({ kind: 'ready' });
      // The last run gives autocomplete and previews real data; a run still going is followed live.
      if (wf.lastExecution) {
        getExecution(wf.lastExecution.id)
          .then((e) => {
            const ex = useExecutionStore.getState();
            if (useEditorStore.getState().workflowId !== workflowId || ex.execution) return;
            ex.setExecution(e);
            if (!isTerminal(e.status)) void watch(e.id);
          })
          .catch(() => undefined);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setLoad({ kind: 'notfound' });
      else setLoad({ kind: 'error', message: describeError(err) });
    }
  }, [workflowId, watch]);

  useEffect(() => {
    void fetchAll();
  }, [fetchAll]);

  if (load.kind === 'loading') {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Opening the workflow…" />
      </div>
    );
  }
  if (load.kind === 'notfound') {
    return (
      <div className="mx-auto max-w-lg p-10 text-center">
        <h1 className="text-lg font-semibold">Workflow not found</h1>
        <p className="mt-2 text-slate-600">
          It was deleted, or it belongs to another account.{' '}
          <Link to="/workflows" className="text-indigo-600 underline">
            Back to your workflows
          </Link>
        </p>
      </div>
    );
  }
  if (load.kind === 'error') {
    return (
      <div className="mx-auto max-w-lg space-y-3 p-10 text-center">
        <InlineError message={`Could not open the workflow: ${load.message}`} />
        <Button onClick={() => void fetchAll()}>Try again</Button>
      </div>
    );
  }

  return (
    <div className="flex h-full flex-col" data-testid="editor">
      <EditorToolbar
        flush={flush}
        onOpenRun={() => {
          testRun.clearError();
          setRunOpen(true);
        }}
      />
      {localDraft && (
        <Banner kind="warning" className="m-2 flex items-center gap-3" testId="local-draft-banner">
          <span className="flex-1">
            Changes you made on {formatDateTime(localDraft.keptAt)} were not saved to the server but
            were kept on this device.
          </span>
          <Button
            size="sm"
            variant="primary"
            onClick={() => {
              useEditorStore.getState().restoreGraph(localDraft.name, localDraft.graph, kindOf);
              setLocalDraft(null);
            }}
          >
            Restore and save them
          </Button>
          <Button
            size="sm"
            onClick={() => {
              localStore.remove(localDraftKey(workflowId));
              setLocalDraft(null);
            }}
          >
            Discard
          </Button>
        </Banner>
      )}
      {(saveState === 'error' || saveState === 'offline') && saveError && (
        <Banner
          kind={saveState === 'error' ? 'error' : 'warning'}
          className="mx-2 mt-2"
          testId="save-error"
        >
          {saveError}
        </Banner>
      )}
      <div className="flex min-h-0 flex-1">
        <Palette />
        <div className="relative min-w-0 flex-1" data-testid="canvas">
          <EditorCanvas onError={setCanvasError} />
          {canvasError && (
            <div className="absolute top-3 left-1/2 z-10 w-[520px] -translate-x-1/2">
              <Banner kind="warning" className="flex items-start gap-2 shadow">
                <span className="flex-1">{canvasError}</span>
                <button type="button" aria-label="Dismiss" onClick={() => setCanvasError(null)}>
                  ×
                </button>
              </Banner>
            </div>
          )}
          <div className="pointer-events-none absolute bottom-4 left-1/2 z-10 -translate-x-1/2">
            <RunStatusBar />
          </div>
        </div>
        <TestRunnerContext.Provider value={runner}>
          <SidePanel />
        </TestRunnerContext.Provider>
      </div>
      <RunDialog
        open={runOpen}
        workflowId={workflowId}
        onClose={() => setRunOpen(false)}
        onRun={testRun.run}
        starting={testRun.starting}
        error={testRun.error}
      />
      <div aria-live="polite" className="sr-only">
        {announcement}
      </div>
    </div>
  );
}
