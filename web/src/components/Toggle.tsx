import { cx } from '../lib/cx';

export interface ToggleProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  label: string;
  /** Visually hide the label (it stays the accessible name). */
  hideLabel?: boolean;
  disabled?: boolean;
  busy?: boolean;
  testId?: string;
}

export function Toggle({
  checked,
  onChange,
  label,
  hideLabel,
  disabled,
  busy,
  testId,
}: ToggleProps) {
  return (
    <label
      className={cx(
        'inline-flex items-center gap-2 text-sm',
        disabled ? 'cursor-not-allowed opacity-60' : 'cursor-pointer',
      )}
    >
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-label={hideLabel ? label : undefined}
        aria-busy={busy || undefined}
        disabled={disabled || busy}
        data-testid={testId}
        onClick={() => onChange(!checked)}
        className={cx(
          'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors',
          'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-500',
          checked ? 'bg-emerald-500' : 'bg-slate-300',
          busy && 'animate-pulse',
        )}
      >
        <span
          aria-hidden="true"
          className={cx(
            'inline-block h-4 w-4 rounded-full bg-white shadow transition-transform',
            checked ? 'translate-x-4' : 'translate-x-0.5',
          )}
        />
      </button>
      {!hideLabel && <span>{label}</span>}
    </label>
  );
}
