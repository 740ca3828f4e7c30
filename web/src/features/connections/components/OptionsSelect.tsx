import { useEffect } from 'react';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import type { OptionsWidgetProps } from '../../../components/schema-form';
import { Spinner } from '../../../components/Spinner';
import { inputClass } from '../../../components/TextField';
import { cx } from '../../../lib/cx';
import { optionsKey, useConnectionsStore } from '../store';

const NOUNS: Record<string, string> = {
  'slack.channels': 'channels',
  'google.calendars': 'calendars',
  'gmail.labels': 'labels',
};

/**
 * The input of an options field (`x-options`): a dropdown of what the connection chosen in the
 * sibling field lists (Slack channels, calendars, Gmail labels), with loading and error states and
 * a reload button. A saved value missing from the list stays visible.
 */
export function OptionsSelect({
  id,
  value,
  onValue,
  annotation,
  connectionId,
  required,
  invalid,
  describedBy,
}: OptionsWidgetProps) {
  const { source } = annotation;
  const entry = useConnectionsStore((s) =>
    connectionId ? s.options[optionsKey(connectionId, source)] : undefined,
  );
  const loadOptions = useConnectionsStore((s) => s.loadOptions);
  const noun = NOUNS[source] ?? 'options';

  useEffect(() => {
    if (connectionId) void loadOptions(connectionId, source);
  }, [connectionId, source, loadOptions]);

  const items = entry?.items ?? [];
  const current = typeof value === 'string' ? value : value === undefined ? '' : String(value);
  const missing =
    current !== '' && entry?.status === 'ready' && !items.some((i) => i.value === current);
  const loading = entry?.status === 'loading';

  return (
    <div className="space-y-1" data-testid="options-field" data-state={entry?.status ?? 'idle'}>
      <div className="flex items-center gap-1">
        <select
          id={id}
          className={cx(inputClass, 'min-w-0 flex-1', invalid && 'border-red-400')}
          value={current}
          disabled={!connectionId}
          onChange={(e) => onValue(e.target.value === '' ? undefined : e.target.value)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          aria-required={required || undefined}
          aria-busy={loading || undefined}
        >
          <option value="">
            {!connectionId
              ? 'Choose a connection first'
              : loading && items.length === 0
                ? `Loading ${noun}…`
                : items.length === 0 && entry?.status === 'ready'
                  ? `No ${noun} found`
                  : required
                    ? 'Choose…'
                    : '(not set)'}
          </option>
          {items.map((i) => (
            <option key={i.value} value={i.value}>
              {i.label}
            </option>
          ))}
          {missing && <option value={current}>{current} (not in the list)</option>}
          {current !== '' && !entry && <option value={current}>{current}</option>}
        </select>
        <button
          type="button"
          className="rounded px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:text-slate-300"
          aria-label={`Reload the ${noun}`}
          title={`Reload the ${noun}`}
          disabled={!connectionId || loading}
          onClick={() => connectionId && void loadOptions(connectionId, source, true)}
          data-testid="options-refresh"
        >
          ↻
        </button>
      </div>
      {loading && <Spinner label={`Loading ${noun}…`} />}
      {entry?.status === 'error' && (
        <div className="flex items-center gap-2">
          <InlineError message={`Could not load the ${noun}: ${entry.error}`} />
          <Button
            size="sm"
            onClick={() => connectionId && void loadOptions(connectionId, source, true)}
          >
            Retry
          </Button>
        </div>
      )}
      {missing && (
        <p className="text-xs text-amber-800">
          “{current}” is not among the {noun} this connection sees now.
        </p>
      )}
    </div>
  );
}
