import { cx } from '../../../lib/cx';
import { useEditorStore } from '../store';

const TEXT = {
  saved: 'All changes saved',
  saving: 'Saving…',
  unsaved: 'Unsaved changes',
  offline: 'Offline · kept on this device',
  error: 'Not saved',
} as const;

export function SaveIndicator({ onRetry }: { onRetry: () => void }) {
  const state = useEditorStore((s) => s.saveState);
  const error = useEditorStore((s) => s.saveError);
  return (
    <span
      className="inline-flex items-center gap-2 text-xs whitespace-nowrap"
      data-testid="save-state"
      data-state={state}
      role="status"
      title={error ?? undefined}
    >
      <span
        aria-hidden="true"
        className={cx(
          'h-2 w-2 rounded-full',
          state === 'saved' && 'bg-emerald-500',
          state === 'saving' && 'animate-pulse bg-sky-500',
          state === 'unsaved' && 'bg-amber-400',
          state === 'offline' && 'bg-amber-600',
          state === 'error' && 'bg-red-600',
        )}
      />
      <span className={cx(state === 'error' ? 'font-medium text-red-700' : 'text-slate-500')}>
        {TEXT[state]}
      </span>
      {(state === 'error' || state === 'offline') && (
        <button
          type="button"
          className="font-medium text-indigo-600 hover:underline"
          onClick={onRetry}
        >
          Retry now
        </button>
      )}
    </span>
  );
}
