import { useState } from 'react';
import { Link } from 'react-router';
import { describeError } from '../../../lib/api-client';
import { cancelExecution, useExecutionStore } from '../../executions';
import { StatusBadge } from '../../../components/StatusBadge';
import { formatDuration } from '../../../lib/format';
import { isTerminal } from '../../../lib/api-types';
import { useEditorStore } from '../store';

/** Floating status of the current test run over the canvas. */
export function RunStatusBar() {
  const execution = useExecutionStore((s) => s.execution);
  const mode = useExecutionStore((s) => s.mode);
  const modeDetail = useExecutionStore((s) => s.modeDetail);
  const error = useExecutionStore((s) => s.error);
  const clear = useExecutionStore((s) => s.clear);
  const select = useEditorStore((s) => s.select);
  const [canceling, setCanceling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  if (!execution && !error) return null;
  const cancel = async () => {
    if (!execution) return;
    setCanceling(true);
    setCancelError(null);
    try {
      const e = await cancelExecution(execution.id);
      useExecutionStore.getState().setExecution({ ...execution, ...e });
    } catch (err) {
      setCancelError(`Could not cancel: ${describeError(err)}`);
    } finally {
      setCanceling(false);
    }
  };
  const steps = execution?.steps ?? [];
  const done = steps.filter((s) =>
    ['succeeded', 'failed', 'skipped', 'canceled'].includes(s.status),
  ).length;
  const finished = execution ? isTerminal(execution.status) : true;
  return (
    <div
      className="pointer-events-auto flex max-w-[640px] items-center gap-3 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm shadow-md"
      data-testid="run-status"
      data-status={execution?.status ?? 'error'}
      role="status"
      aria-live="polite"
    >
      {execution && <StatusBadge status={execution.status} />}
      {execution && (
        <span className="shrink-0 text-xs whitespace-nowrap text-slate-600">
          {finished
            ? `Finished in ${formatDuration(execution.durationMs)}`
            : `${done}/${Math.max(steps.length, done)} steps done`}
          {!finished && mode === 'polling' && ' · checking every 0.5 s'}
          {!finished && mode === 'reconnecting' && ` · ${modeDetail ?? 'reconnecting…'}`}
        </span>
      )}
      {execution?.error && (
        <button
          type="button"
          className="max-w-72 truncate text-left text-xs text-red-700 underline"
          onClick={() => select(execution.error?.nodeId ?? null)}
          title={execution.error.message}
        >
          {execution.error.nodeId ? `${execution.error.nodeId}: ` : ''}
          {execution.error.message}
        </button>
      )}
      {(error || cancelError) && (
        <span className="text-xs text-red-700">{cancelError ?? error}</span>
      )}
      {execution && !finished && (
        <button
          type="button"
          className="text-xs font-medium text-red-700 hover:underline disabled:opacity-50"
          onClick={() => void cancel()}
          disabled={canceling}
          data-testid="run-cancel"
        >
          {canceling ? 'Canceling…' : 'Cancel'}
        </button>
      )}
      {execution && (
        <Link
          to={`/executions/${execution.id}`}
          className="text-xs whitespace-nowrap text-indigo-600 hover:underline"
        >
          Details
        </Link>
      )}
      {finished && (
        <button
          type="button"
          className="text-slate-400 hover:text-slate-700"
          aria-label="Clear run results from the canvas"
          onClick={clear}
        >
          ×
        </button>
      )}
    </div>
  );
}
