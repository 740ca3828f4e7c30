import { cx } from '../lib/cx';

const styles: Record<string, string> = {
  queued: 'bg-sky-100 text-sky-800',
  pending: 'bg-slate-100 text-slate-600',
  running: 'bg-blue-100 text-blue-800',
  retrying: 'bg-amber-100 text-amber-800',
  waiting: 'bg-violet-100 text-violet-800',
  succeeded: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-red-100 text-red-800',
  skipped: 'bg-slate-100 text-slate-500',
  canceled: 'bg-slate-200 text-slate-700',
};

const labels: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  running: 'Running',
  queued: 'Queued',
  pending: 'Pending',
  retrying: 'Retrying',
  waiting: 'Waiting',
  skipped: 'Skipped',
  canceled: 'Canceled',
};

export function statusLabel(status: string): string {
  return labels[status] ?? status;
}

export function StatusBadge({
  status,
  children,
  className,
}: {
  status: string;
  children?: React.ReactNode;
  className?: string;
}) {
  return (
    <span
      data-status={status}
      className={cx(
        'inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium',
        styles[status] ?? 'bg-slate-100 text-slate-600',
        className,
      )}
    >
      <span
        aria-hidden="true"
        className={cx(
          'h-1.5 w-1.5 rounded-full bg-current',
          (status === 'running' || status === 'retrying' || status === 'queued') && 'animate-pulse',
        )}
      />
      {children ?? statusLabel(status)}
    </span>
  );
}
