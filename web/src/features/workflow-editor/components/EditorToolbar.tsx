import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useReactFlow } from '@xyflow/react';
import { Button } from '../../../components/Button';
import { Banner } from '../../../components/InlineError';
import { Toggle } from '../../../components/Toggle';
import { ApiError, describeError } from '../../../lib/api-client';
import { isTerminal } from '../../../lib/api-types';
import { toast } from '../../../stores/toasts';
import { useExecutionStore } from '../../executions';
import {
  activateWorkflow,
  activationErrorMessage,
  deactivateWorkflow,
  downloadJson,
  duplicateWorkflow,
  exportFileName,
  exportWorkflow,
  getWorkflow,
  publishWorkflow,
} from '../../workflows';
import { selectCanRedo, selectCanUndo, useEditorStore } from '../store';
import { SaveIndicator } from './SaveIndicator';
import { VersionHistory } from './VersionHistory';

export function EditorToolbar({
  flush,
  onOpenRun,
}: {
  flush: () => Promise<boolean>;
  onOpenRun: () => void;
}) {
  const workflowId = useEditorStore((s) => s.workflowId);
  const name = useEditorStore((s) => s.name);
  const setName = useEditorStore((s) => s.setName);
  const meta = useEditorStore((s) => s.meta);
  const setMeta = useEditorStore((s) => s.setMeta);
  const setValidation = useEditorStore((s) => s.setValidation);
  const canUndo = useEditorStore(selectCanUndo);
  const canRedo = useEditorStore(selectCanRedo);
  const undo = useEditorStore((s) => s.undo);
  const redo = useEditorStore((s) => s.redo);
  const tidy = useEditorStore((s) => s.tidy);
  const hasNodes = useEditorStore((s) => s.nodes.length > 0);
  const running = useExecutionStore((s) => (s.execution ? !isTerminal(s.execution.status) : false));
  const { fitView } = useReactFlow();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<'publish' | 'activate' | 'duplicate' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [historyOpen, setHistoryOpen] = useState(false);

  if (!workflowId) return null;

  const refreshMeta = async () => {
    try {
      setMeta(await getWorkflow(workflowId));
    } catch {
      // the toolbar keeps the previous state; the next save refreshes it
    }
  };

  const publish = async () => {
    setBusy('publish');
    setError(null);
    try {
      if (!(await flush())) {
        setError('Not published: the draft could not be saved (see the save status).');
        return;
      }
      const { version } = await publishWorkflow(workflowId);
      toast.success(`Published version ${version}`);
      await refreshMeta();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.details.length > 0) {
        setValidation(
          err.details.map((d) => ({ nodeId: d.nodeId, path: d.path ?? '', message: d.message })),
        );
        setError(
          `Not published: ${err.details.length} problem${err.details.length === 1 ? '' : 's'} to fix. They are marked on the steps and listed in the panel.`,
        );
      } else {
        setError(`Not published: ${describeError(err)}`);
      }
    } finally {
      setBusy(null);
    }
  };

  /** Saves pending edits first, so the copy holds what the canvas shows; then opens the copy. */
  const duplicate = async () => {
    setBusy('duplicate');
    setError(null);
    try {
      if (!(await flush())) {
        setError('Not duplicated: the draft could not be saved (see the save status).');
        return;
      }
      const copy = await duplicateWorkflow(workflowId);
      toast.success(`Created “${copy.name}”: you are editing the copy`);
      void navigate(`/workflows/${copy.id}`);
    } catch (err) {
      setError(`Not duplicated: ${describeError(err)}`);
    } finally {
      setBusy(null);
    }
  };

  /** Saves pending edits first, so the file holds what the canvas shows. */
  const exportFile = async () => {
    setError(null);
    try {
      if (!(await flush())) {
        setError('Not exported: the draft could not be saved (see the save status).');
        return;
      }
      const doc = await exportWorkflow(workflowId);
      downloadJson(exportFileName(doc.name), doc);
      toast.success(
        doc.secretsOmitted.length > 0
          ? `Exported. ${doc.secretsOmitted.length} secret${doc.secretsOmitted.length === 1 ? ' was' : 's were'} left out: whoever imports it enters them again.`
          : 'Exported (connections are referenced by id, never included)',
      );
    } catch (err) {
      setError(`Not exported: ${describeError(err)}`);
    }
  };

  const toggleActive = async (on: boolean) => {
    setBusy('activate');
    setError(null);
    try {
      const wf = on ? await activateWorkflow(workflowId) : await deactivateWorkflow(workflowId);
      setMeta(wf);
      toast.success(
        on
          ? `Active: version ${wf.activeVersion ?? ''} now runs on every trigger`
          : 'Deactivated: triggers no longer start this workflow',
      );
    } catch (err) {
      // e.g. a connection revoked since publishing: mark the steps too, as publish does.
      if (on && err instanceof ApiError && err.status === 400 && err.details.length > 0)
        setValidation(
          err.details.map((d) => ({ nodeId: d.nodeId, path: d.path ?? '', message: d.message })),
        );
      setError(activationErrorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const versionText = meta
    ? [
        meta.active && meta.activeVersion !== null ? `Active v${meta.activeVersion}` : 'Inactive',
        meta.latestVersion !== null ? `latest v${meta.latestVersion}` : 'never published',
        meta.latestVersion !== null && meta.draftChangedSincePublish
          ? 'draft has unpublished changes'
          : null,
      ]
        .filter(Boolean)
        .join(' · ')
    : '';

  return (
    <div className="border-b border-slate-200 bg-white">
      <div className="flex h-12 items-center gap-2 px-3">
        <Link
          to="/workflows"
          className="rounded px-1 text-sm text-slate-500 hover:text-slate-800"
          aria-label="Back to workflows"
        >
          ←
        </Link>
        <label htmlFor="workflow-name" className="sr-only">
          Workflow name
        </label>
        <input
          id="workflow-name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          className="w-40 min-w-0 rounded border border-transparent px-1.5 py-1 text-sm font-semibold text-slate-900 xl:w-56 hover:border-slate-200 focus:border-indigo-500 focus:outline-none"
          data-testid="workflow-name"
        />
        <SaveIndicator onRetry={() => void flush()} />
        <div className="mx-2 h-6 w-px bg-slate-200" aria-hidden="true" />
        <Button
          size="sm"
          variant="ghost"
          onClick={undo}
          disabled={!canUndo}
          aria-label="Undo"
          title="Undo (Ctrl+Z)"
          data-testid="undo"
        >
          ↶
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={redo}
          disabled={!canRedo}
          aria-label="Redo"
          title="Redo (Ctrl+Shift+Z)"
          data-testid="redo"
        >
          ↷
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={tidy}
          disabled={!hasNodes}
          title="Arrange the steps left to right"
        >
          Tidy up
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void fitView({ padding: 0.2, duration: 200, maxZoom: 1.2 })}
          title="Zoom to fit"
          data-testid="zoom-fit"
        >
          Fit
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void exportFile()}
          disabled={!hasNodes}
          title="Download this workflow as a JSON file (no secrets, connections by reference)"
          data-testid="export-button"
        >
          Export
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => void duplicate()}
          loading={busy === 'duplicate'}
          title="Make a copy of this workflow's draft (inactive, unpublished) and open it"
          data-testid="duplicate-button"
        >
          Duplicate
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => setHistoryOpen(true)}
          title="Published versions: changes, activate an older one"
          data-testid="history-button"
        >
          History
        </Button>
        <div className="ml-auto flex items-center gap-3">
          <span className="text-xs whitespace-nowrap text-slate-500" data-testid="version-info">
            {versionText}
          </span>
          <Button
            size="sm"
            onClick={onOpenRun}
            loading={running}
            disabled={!hasNodes}
            data-testid="run-button"
            title="Run the draft once with a sample payload"
          >
            {running ? 'Running…' : '▶ Run once'}
          </Button>
          <Button
            size="sm"
            onClick={() => void publish()}
            loading={busy === 'publish'}
            disabled={!hasNodes}
            data-testid="publish-button"
          >
            Publish
          </Button>
          <Toggle
            checked={meta?.active ?? false}
            onChange={(on) => void toggleActive(on)}
            label={meta?.active ? 'Active' : 'Activate'}
            busy={busy === 'activate'}
            testId="activate-toggle"
          />
        </div>
      </div>
      <VersionHistory open={historyOpen} onClose={() => setHistoryOpen(false)} />
      {error && (
        <Banner kind="error" className="mx-3 mb-2 flex items-start gap-2" testId="toolbar-error">
          <span className="flex-1">{error}</span>
          <button type="button" aria-label="Dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </Banner>
      )}
    </div>
  );
}
