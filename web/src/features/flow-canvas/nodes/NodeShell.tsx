import { memo, type ReactNode } from 'react';
import { cx } from '../../../lib/cx';
import { formatDuration } from '../../../lib/format';
import type { NodeKind, StepNodeData } from '../../../lib/graph';
import { useNodeTypesStore } from '../../node-types';
import { useIssueCount, useStepRun } from '../status';

const GLYPHS: Record<string, string> = {
  webhook: '⚡',
  schedule: '◷',
  manual: '▶',
  http_request: '⇄',
  transform: 'ƒ',
  if: '◇',
  delay: '◔',
  respond_to_webhook: '↩',
};

const ACCENT: Record<NodeKind, string> = {
  trigger: 'bg-amber-500',
  action: 'bg-indigo-500',
  branch: 'bg-teal-500',
};

const STATUS_RING: Record<string, string> = {
  running: 'ring-4 ring-blue-400/60 border-blue-500 animate-[pulse_1.6s_ease-in-out_infinite]',
  queued: 'ring-2 ring-sky-300 border-sky-400',
  retrying: 'ring-4 ring-amber-300/70 border-amber-500',
  waiting: 'ring-2 ring-violet-300 border-violet-400',
  succeeded: 'border-emerald-500 ring-2 ring-emerald-200',
  failed: 'border-red-500 ring-2 ring-red-200',
  skipped: 'border-dashed border-slate-300 opacity-60',
  canceled: 'border-slate-400 opacity-70',
  pending: 'border-slate-200',
};

const STATUS_TEXT: Record<string, string> = {
  running: 'text-blue-700',
  queued: 'text-sky-700',
  retrying: 'text-amber-700',
  waiting: 'text-violet-700',
  succeeded: 'text-emerald-700',
  failed: 'text-red-700',
  skipped: 'text-slate-500',
  canceled: 'text-slate-600',
  pending: 'text-slate-400',
};

export interface NodeShellProps {
  id: string;
  data: StepNodeData;
  selected?: boolean;
  kind: NodeKind;
  children?: ReactNode;
}

/** What the node says about its step; `error` is the failure's message (a failed step). */
export function statusLine(
  status: string,
  attempts: number,
  maxAttempts: number,
  durationMs: number | null | undefined,
  error?: string,
): string {
  switch (status) {
    case 'running':
      return maxAttempts > 1 && attempts > 1
        ? `Running (attempt ${attempts}/${maxAttempts})`
        : 'Running…';
    case 'retrying':
      return `Retrying ${attempts}/${maxAttempts}`;
    case 'succeeded':
      // A test run gave this step its pinned (or earlier) data instead of running it.
      return attempts === 0 ? 'Data reused, not run' : `Succeeded · ${formatDuration(durationMs)}`;
    case 'failed':
      // Stopped before its attempts ran out: a refusal that retrying cannot change.
      if (maxAttempts > 1 && attempts < maxAttempts)
        return error ? `Failed, not retried: ${error}` : 'Failed, not retried';
      if (maxAttempts > 1) return `Failed after ${attempts} attempts`;
      return 'Failed';
    case 'queued':
      return 'Queued';
    case 'waiting':
      return 'Waiting';
    case 'skipped':
      return 'Skipped';
    case 'canceled':
      return 'Canceled';
    default:
      return 'Pending';
  }
}

/**
 * The frame every canvas node shares. It reads exactly the values it shows (its step status and
 * issue count from the canvas's sources, its type's display name from the catalog), so a run
 * update or an edit elsewhere does not re-render it.
 */
export const NodeShell = memo(function NodeShell({
  id,
  data,
  selected,
  kind,
  children,
}: NodeShellProps) {
  const displayName = useNodeTypesStore((s) => s.byType[data.nodeType]?.displayName);
  const status = useStepRun(id, (run) => run?.status);
  const attempts = useStepRun(id, (run) => run?.attempts ?? 0);
  const maxAttempts = useStepRun(id, (run) => run?.maxAttempts ?? 0);
  const durationMs = useStepRun(id, (run) => run?.durationMs);
  const error = useStepRun(id, (run) => run?.error?.message);
  const line = status ? statusLine(status, attempts, maxAttempts, durationMs, error) : '';
  const issueCount = useIssueCount(id);
  const title = data.name || displayName || data.nodeType;
  const st = status ?? 'idle';
  return (
    <div
      data-testid={`node-${id}`}
      data-status={st}
      data-kind={kind}
      aria-label={`${title} (${displayName ?? data.nodeType})${status ? `, ${line}` : ''}${issueCount ? `, ${issueCount} problem${issueCount === 1 ? '' : 's'}` : ''}`}
      className={cx(
        'relative w-56 rounded-lg border bg-white text-left shadow-sm transition-shadow',
        status ? STATUS_RING[status] : issueCount ? 'border-red-300' : 'border-slate-300',
        selected && 'shadow-lg outline-2 outline-offset-2 outline-indigo-500',
      )}
    >
      <div className="flex items-center gap-2 px-3 py-2">
        <span
          aria-hidden="true"
          className={cx(
            'flex h-8 w-8 shrink-0 items-center justify-center rounded-md text-base text-white',
            ACCENT[kind],
          )}
        >
          {GLYPHS[data.nodeType] ?? (displayName ?? data.nodeType).charAt(0).toUpperCase()}
        </span>
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-semibold text-slate-800">{title}</div>
          <div className="truncate font-mono text-[11px] text-slate-400">{id}</div>
        </div>
      </div>
      {status && (
        <div
          className={cx(
            'border-t border-slate-100 px-3 py-1 text-xs font-medium',
            STATUS_TEXT[status],
          )}
          data-testid={`node-status-${id}`}
          title={line}
        >
          {line}
        </div>
      )}
      {data.pinnedData !== undefined && (
        <span
          className="absolute -top-2 right-5 rounded-full bg-violet-600 px-1.5 text-[11px] font-semibold text-white shadow"
          title="Pinned data: test runs use it instead of running this step"
          data-testid={`node-pinned-${id}`}
        >
          Pinned
        </span>
      )}
      {issueCount > 0 && (
        <span
          className="absolute -top-2 -right-2 flex h-5 min-w-5 items-center justify-center rounded-full bg-red-600 px-1 text-[11px] font-bold text-white shadow"
          title={`${issueCount} problem${issueCount === 1 ? '' : 's'}: select the step to see them`}
          data-testid={`node-issues-${id}`}
        >
          {issueCount}
        </span>
      )}
      {children}
    </div>
  );
});
