import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './Button';
import { InlineError } from './InlineError';

export interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  wide?: boolean;
}

/** Modal dialog on the native <dialog> element: focus is trapped, Escape closes. */
export function Dialog({ open, title, onClose, children, footer, testId, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) {
      if (typeof el.showModal === 'function') el.showModal();
      else el.setAttribute('open', '');
    } else if (!open && el.open) {
      if (typeof el.close === 'function') el.close();
      else el.removeAttribute('open');
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={`m-auto w-full ${wide ? 'max-w-2xl' : 'max-w-md'} rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40`}
    >
      {open && (
        <div className="p-5">
          <h2 id={titleId} className="mb-3 text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div className="text-sm text-slate-700">{children}</div>
          {footer && <div className="mt-5 flex justify-end gap-2">{footer}</div>}
        </div>
      )}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({
  open,
  title,
  message,
  confirmLabel,
  danger,
  busy,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      testId="confirm-dialog"
      footer={
        <>
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant={danger ? 'danger' : 'primary'}
            onClick={onConfirm}
            loading={busy}
            data-testid="confirm-button"
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div>{message}</div>
      <InlineError message={error} className="mt-3" />
    </Dialog>
  );
}
