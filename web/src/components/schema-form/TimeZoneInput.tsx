import { useEffect, useMemo, useState } from 'react';
import type { Aria } from './types';

/** The browser's IANA time zone, or undefined when the runtime does not say. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** Every IANA time zone the runtime knows, the browser's first, then UTC, then A to Z. */
export function timeZoneOptions(browser = browserTimeZone()): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const rest = [...new Set([...zones, 'UTC'])]
    .filter((z) => z !== browser && z !== 'UTC')
    .sort((a, b) => a.localeCompare(b));
  const first = browser && browser !== 'UTC' ? [browser, 'UTC'] : ['UTC'];
  return [...first, ...rest];
}

/**
 * A searchable list of IANA time zones (`x-time-zone` fields): typing filters the list, the
 * browser's zone comes first. Only a listed zone (any letter case) or empty is saved; other text
 * stays in the box with a hint until it names one.
 */
export function TimeZoneInput({
  id,
  value,
  onValue,
  required,
  placeholder,
  className,
  aria,
}: {
  id: string;
  value: string | undefined;
  onValue: (v: string | undefined) => void;
  required?: boolean;
  placeholder?: string;
  className: string;
  aria: Aria;
}) {
  const browser = useMemo(browserTimeZone, []);
  const zones = useMemo(() => timeZoneOptions(browser), [browser]);
  const byLower = useMemo(() => new Map(zones.map((z) => [z.toLowerCase(), z])), [zones]);
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const listId = `${id}-zones`;
  const hintId = `${id}-zone-hint`;
  const trimmed = text.trim();
  const unknown = trimmed !== '' && !byLower.has(trimmed.toLowerCase()) && trimmed !== value;

  const onChange = (next: string) => {
    setText(next);
    const t = next.trim();
    if (t === '') {
      if (!required) onValue(undefined);
      return;
    }
    const zone = byLower.get(t.toLowerCase());
    if (zone) onValue(zone);
  };

  return (
    <>
      <input
        id={id}
        type="text"
        role="combobox"
        list={listId}
        autoComplete="off"
        spellCheck={false}
        className={className}
        value={text}
        placeholder={placeholder ?? 'Search time zones'}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => {
          const zone = byLower.get(text.trim().toLowerCase());
          if (zone) setText(zone);
        }}
        {...aria}
        aria-describedby={
          [unknown ? hintId : undefined, aria['aria-describedby']].filter(Boolean).join(' ') ||
          undefined
        }
      />
      <datalist id={listId}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z === browser ? `${z} (this browser)` : z}
          </option>
        ))}
      </datalist>
      {unknown && (
        <p id={hintId} className="mt-1 text-xs text-amber-700">
          Pick a time zone from the list, such as {browser ?? 'Europe/Paris'}.
        </p>
      )}
    </>
  );
}
