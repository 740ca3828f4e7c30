import { useState } from 'react';
import { cx } from '../../lib/cx';
import { Button } from '../Button';
import type { Aria } from './types';

/** A masked secret (`x-secret`) with a Show / Hide toggle. */
export function SecretInput({
  id,
  value,
  onValue,
  className,
  aria,
  placeholder,
  required,
}: {
  id: string;
  value: string;
  onValue: (v: unknown) => void;
  className: string;
  aria: Aria;
  placeholder?: string;
  required?: boolean;
}) {
  const [shown, setShown] = useState(false);
  return (
    <div className="flex gap-1">
      <input
        id={id}
        type={shown ? 'text' : 'password'}
        autoComplete="new-password"
        spellCheck={false}
        className={cx(className, 'font-mono')}
        value={value}
        placeholder={placeholder ?? (value ? undefined : 'Not set')}
        data-secret="true"
        onChange={(e) => onValue(e.target.value === '' && !required ? undefined : e.target.value)}
        {...aria}
      />
      <Button
        size="sm"
        variant="ghost"
        className="h-auto shrink-0"
        onClick={() => setShown(!shown)}
        aria-pressed={shown}
        aria-label={shown ? 'Hide secret' : 'Show secret'}
      >
        {shown ? 'Hide' : 'Show'}
      </Button>
    </div>
  );
}
