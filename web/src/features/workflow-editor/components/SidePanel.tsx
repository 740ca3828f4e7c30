import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../../components/Button';
import { StatusBadge } from '../../../components/StatusBadge';
import { cx } from '../../../lib/cx';
import { formatDuration, formatRelative } from '../../../lib/format';
import { useExecutionStore } from '../../executions';
import { useStepView } from '../hooks/useStepView';
import { useEditorStore } from '../store';
import { useInputViewOpen } from './InputView';
import { NodePanel } from './NodePanel';

/**
 * Right-hand panel: the selected step, or the workflow overview (problems, last run). In the
 * full step view (useStepView) the selected step opens over the canvas instead, as a dialog.
 */
export function SidePanel() {
  const selectedNodeId = useEditorStore((s) => s.selectedNodeId);
  // A step (not the trigger) shows its Input beside its Parameters: the panel is wider then.
  const inputOpen = useInputViewOpen((s) => s.open);
  const withInput =
    useEditorStore(
      (s) =>
        !!s.selectedNodeId && s.nodes.find((n) => n.id === s.selectedNodeId)?.type !== 'trigger',
    ) && inputOpen;
  const expanded = useStepView((s) => s.expanded);
  const setExpanded = useStepView((s) => s.setExpanded);
  const full = expanded && selectedNodeId !== null;
  const dialog = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!selectedNodeId) setExpanded(false);
  }, [selectedNodeId, setExpanded]);
  useEffect(() => {
    if (!full) return;
    dialog.current?.focus();
    // Escape closes it wherever the focus is (a button that went away leaves it on the page);
    // an open autocomplete list or a dialog opened from it takes its Escape first.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      // a dialog opened from the view (run, connect) closes alone
      if ((e.target as Element | null)?.closest?.('dialog[open]')) return;
      setExpanded(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [full, setExpanded]);
  // One <aside> in both layouts, so the step's panel stays mounted when the full view opens.
  return (
    <>
      {full && (
        <div
          className="fixed inset-0 z-40 bg-slate-900/40"
          aria-hidden="true"
          onClick={() => setExpanded(false)}
          data-testid="step-view-backdrop"
        />
      )}
      <aside
        ref={dialog}
        aria-label={full ? 'Step' : 'Details'}
        role={full ? 'dialog' : undefined}
        aria-modal={full ? true : undefined}
        tabIndex={full ? -1 : undefined}
        className={cx(
          'flex flex-col bg-white',
          full
            ? 'fixed inset-4 z-50 overflow-hidden rounded-lg border border-slate-200 shadow-2xl focus:outline-none'
            : cx(
                'shrink-0 border-l border-slate-200',
                withInput ? 'w-[680px] max-w-[60vw]' : 'w-[380px]',
              ),
        )}
        data-testid={full ? 'step-view' : undefined}
      >
        {selectedNodeId ? (
          <NodePanel key={selectedNodeId} nodeId={selectedNodeId} />
        ) : (
          <WorkflowPanel />
        )}
      </aside>
    </>
  );
}

function WorkflowPanel() {
  const selectedCount = useEditorStore((s) =>
    s.nodes.reduce((n, x) => n + (x.selected ? 1 : 0), 0),
  );
  const nodeCount = useEditorStore((s) => s.nodes.length);
  const general = useEditorStore((s) => s.validation.general);
  const nodeIssues = useEditorStore(
    useShallow((s) =>
      Object.entries(s.validation.byNode).flatMap(([id, list]) =>
        list.map((i) => `${id}\u0000${i.field}\u0000${i.message}`),
      ),
    ),
  );
  const select = useEditorStore((s) => s.select);
  const deleteSelection = useEditorStore((s) => s.deleteSelection);
  const copySelection = useEditorStore((s) => s.copySelection);
  const execution = useExecutionStore((s) => s.execution);

  if (selectedCount > 1) {
    return (
      <div className="space-y-3 p-4">
        <h2 className="font-semibold">{selectedCount} steps selected</h2>
        <div className="flex gap-2">
          <Button size="sm" onClick={() => copySelection()}>
            Copy
          </Button>
          <Button size="sm" variant="danger" onClick={() => deleteSelection()}>
            Delete
          </Button>
        </div>
        <p className="text-xs text-slate-500">
          Drag to move them together. Ctrl+C / Ctrl+V copies, Delete removes.
        </p>
      </div>
    );
  }

  const problems = general.length + nodeIssues.length;
  return (
    <div className="min-h-0 flex-1 space-y-5 overflow-y-auto p-4" data-testid="workflow-panel">
      <section aria-labelledby="problems-title">
        <h2 id="problems-title" className="mb-2 text-sm font-semibold text-slate-800">
          {problems === 0
            ? 'No problems found'
            : `${problems} problem${problems === 1 ? '' : 's'} to fix before publishing`}
        </h2>
        {problems === 0 && nodeCount > 0 && (
          <p className="text-xs text-slate-500">The draft is valid: you can publish it.</p>
        )}
        {nodeCount === 0 && (
          <p className="text-xs text-slate-500">Add a trigger from the left to start.</p>
        )}
        <ul className="space-y-1" data-testid="problems-list">
          {general.map((m, i) => (
            <li
              key={`g${i}`}
              className="rounded border border-red-200 bg-red-50 px-2 py-1 text-xs text-red-800"
            >
              {m}
            </li>
          ))}
          {nodeIssues.map((line, i) => {
            const [id, field, message] = line.split('\u0000');
            return (
              <li key={`n${i}`}>
                <button
                  type="button"
                  onClick={() => select(id)}
                  className="w-full rounded border border-red-200 bg-red-50 px-2 py-1 text-left text-xs text-red-800 hover:bg-red-100"
                >
                  <span className="font-mono font-medium">{id}</span>
                  {field ? <span className="font-mono"> · {field}</span> : null}: {message}
                </button>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="lastrun-title">
        <h2 id="lastrun-title" className="mb-2 text-sm font-semibold text-slate-800">
          Last run
        </h2>
        {!execution ? (
          <p className="text-xs text-slate-500">
            Not run yet. Click “Run once” to test the draft with a sample payload and watch each
            step.
          </p>
        ) : (
          <div className="space-y-2 text-sm">
            <div className="flex items-center gap-2">
              <StatusBadge status={execution.status} />
              <span className="text-xs text-slate-500">
                {formatRelative(execution.createdAt)} · {formatDuration(execution.durationMs)}
              </span>
              <Link
                to={`/executions/${execution.id}`}
                className="ml-auto text-xs text-indigo-600 hover:underline"
              >
                Open execution
              </Link>
            </div>
            {execution.error && (
              <div
                role="alert"
                className="rounded border border-red-200 bg-red-50 px-2 py-1.5 text-xs text-red-900"
              >
                {execution.error.message}
                {execution.error.nodeId && (
                  <button
                    type="button"
                    className="ml-1 font-medium underline"
                    onClick={() => select(execution.error?.nodeId ?? null)}
                  >
                    Show step {execution.error.nodeId}
                  </button>
                )}
              </div>
            )}
            <p className="text-xs text-slate-500">
              Click a step on the canvas to see its input, output, error and attempts.
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
