import type { ReactNode } from 'react';
import { Button } from '../Button';

/** A small ghost button that only shows a symbol; `label` names it for screen readers. */
export function IconButton({
  label,
  disabled,
  onClick,
  children,
}: {
  label: string;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Button size="sm" variant="ghost" aria-label={label} disabled={disabled} onClick={onClick}>
      {children}
    </Button>
  );
}
