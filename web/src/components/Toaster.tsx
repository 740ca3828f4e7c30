import { useToastStore } from '../stores/toasts';
import { cx } from '../lib/cx';

export function Toaster() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2"
    >
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.kind === 'error' ? 'alert' : 'status'}
          className={cx(
            'pointer-events-auto flex items-start gap-2 rounded-md border px-3 py-2 text-sm shadow-lg',
            t.kind === 'error' && 'border-red-200 bg-red-50 text-red-900',
            t.kind === 'success' && 'border-emerald-200 bg-emerald-50 text-emerald-900',
            t.kind === 'info' && 'border-slate-200 bg-white text-slate-800',
          )}
        >
          <span className="flex-1">{t.message}</span>
          <button
            type="button"
            aria-label="Dismiss"
            className="text-slate-400 hover:text-slate-700"
            onClick={() => dismiss(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
