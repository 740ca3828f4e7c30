import { cx } from '../lib/cx';

/** An error shown where it happened (not only as a toast). */
export function InlineError({
  message,
  className,
  id,
}: {
  message?: string | null;
  className?: string;
  id?: string;
}) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className={cx('text-sm text-red-700', className)}>
      {message}
    </p>
  );
}

export function Banner({
  kind = 'info',
  children,
  className,
  testId,
}: {
  kind?: 'info' | 'warning' | 'error' | 'success';
  children: React.ReactNode;
  className?: string;
  testId?: string;
}) {
  const styles = {
    info: 'border-sky-200 bg-sky-50 text-sky-900',
    warning: 'border-amber-200 bg-amber-50 text-amber-900',
    error: 'border-red-200 bg-red-50 text-red-900',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  }[kind];
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      className={cx('rounded-md border px-3 py-2 text-sm', styles, className)}
    >
      {children}
    </div>
  );
}
