import {
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import { cx } from '../../lib/cx';
import { hasTemplate, previewField, valueType, type PreviewResult } from '../../lib/expressions';
import { previewValue } from '../../lib/format';
import { inputClass } from '../TextField';
import { useExpressionContextValue } from './context';
import { DATA_PATH_MIME, useInsertionTarget } from './insertion';
import {
  applySuggestion,
  completionContext,
  filterSuggestions,
  type CompletionContext,
  type Suggestion,
} from './suggestions';

export interface ExpressionInputProps {
  id?: string;
  value: string;
  onChange: (value: string) => void;
  /** The field holds JSON: JSON text with `{{ }}` values becomes JSON (the preview says so). */
  json?: boolean;
  multiline?: boolean;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  required?: boolean;
  testId?: string;
  autoFocus?: boolean;
  /** No expressions here (trigger settings): no suggestions, no preview. */
  plain?: boolean;
}

/**
 * A text field that understands expressions: typing `{{` offers the trigger's fields and
 * upstream steps' outputs; below it, a live preview of the value and its type on the last run's
 * data, and any error inline. The Input view inserts into the field focused last (click), or
 * wherever a path is dropped.
 */
export function ExpressionInput({
  id,
  value,
  onChange,
  json = false,
  multiline = false,
  placeholder,
  invalid,
  describedBy,
  required,
  testId,
  autoFocus,
  plain = false,
}: ExpressionInputProps) {
  const { suggestions, data, dataSource } = useExpressionContextValue();
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const previewId = useId();
  const [ctx, setCtx] = useState<CompletionContext | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const pendingCaret = useRef<number | null>(null);
  const fieldId = useId();
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  const setTarget = useInsertionTarget((s) => s.setTarget);
  const clearTarget = useInsertionTarget((s) => s.clear);
  useEffect(() => () => clearTarget(fieldId), [clearTarget, fieldId]);
  const register = () => {
    if (plain) return;
    setTarget({
      id: fieldId,
      insert: (text) => {
        const el = ref.current;
        const current = latest.current.value;
        const at = el && el.selectionStart !== null ? el.selectionStart : current.length;
        const end = el && el.selectionEnd !== null ? el.selectionEnd : at;
        pendingCaret.current = at + text.length;
        latest.current.onChange(current.slice(0, at) + text + current.slice(end));
        el?.focus();
      },
    });
  };

  const options = useMemo(
    () => (ctx ? filterSuggestions(suggestions, ctx.token) : []),
    [ctx, suggestions],
  );
  const showList = open && focused && options.length > 0;

  useLayoutEffect(() => {
    if (pendingCaret.current !== null && ref.current) {
      ref.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  });

  useLayoutEffect(() => {
    // grow with content, up to a limit
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, multiline ? 240 : 120)}px`;
  }, [value, multiline]);

  const refresh = (text: string, caret: number) => {
    if (plain) return;
    const c = completionContext(text, caret);
    setCtx(c);
    setActive(0);
    setOpen(c !== null);
  };

  const accept = (index: number) => {
    const choice = options[index];
    if (!choice || !ctx) return;
    const next = applySuggestion(value, ctx, choice.path);
    pendingCaret.current = next.cursor;
    onChange(next.text);
    // keep suggesting deeper paths after a pick ("steps.a" → "steps.a.body")
    setCtx(completionContext(next.text, next.cursor));
    setOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      refresh(value, e.currentTarget.selectionStart ?? value.length);
      return;
    }
    if (showList) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setActive((a) => (a + 1) % options.length);
        return;
      }
      if (e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a - 1 + options.length) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(active);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        return;
      }
    }
    if (e.key === 'Enter' && !multiline) e.preventDefault();
  };

  const expressionLike = !plain && hasTemplate(value);
  return (
    <div className="relative">
      <textarea
        ref={ref}
        id={id}
        rows={multiline ? 2 : 1}
        value={value}
        spellCheck={false}
        placeholder={placeholder ?? (plain ? undefined : 'Text, or {{ }} to insert data')}
        autoFocus={autoFocus}
        required={required}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showList}
        aria-controls={showList ? listId : undefined}
        aria-activedescendant={showList ? `${listId}-${active}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={
          [describedBy, expressionLike ? previewId : undefined].filter(Boolean).join(' ') ||
          undefined
        }
        data-testid={testId}
        className={cx(
          inputClass,
          'resize-none overflow-auto',
          expressionLike && 'font-mono text-[13px]',
          invalid && 'border-red-400',
        )}
        onChange={(e) => {
          onChange(e.target.value);
          refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onKeyDown={onKeyDown}
        onClick={(e) => refresh(value, e.currentTarget.selectionStart ?? value.length)}
        onFocus={() => {
          setFocused(true);
          register();
        }}
        onDragOver={(e) => {
          if (plain || !e.dataTransfer.types.includes(DATA_PATH_MIME)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDrop={(e) => {
          const text = plain ? '' : e.dataTransfer.getData(DATA_PATH_MIME);
          if (!text) return;
          // Inserted here rather than by the browser, so every browser (and a synthetic drag)
          // puts it at the caret the field had, or at the end, and the edit goes through onChange.
          e.preventDefault();
          const el = e.currentTarget;
          const focusedHere = document.activeElement === el;
          const at = focusedHere ? el.selectionStart : value.length;
          const end = focusedHere ? el.selectionEnd : at;
          pendingCaret.current = at + text.length;
          onChange(value.slice(0, at) + text + value.slice(end));
          el.focus();
        }}
        onBlur={() => {
          setFocused(false);
          setOpen(false);
        }}
      />
      {showList && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Data you can insert"
          className="absolute z-30 mt-1 max-h-64 w-full overflow-auto rounded-md border border-slate-200 bg-white py-1 text-xs shadow-lg"
        >
          {options.map((o, i) => (
            <li
              key={o.path}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              aria-label={`${o.path}: ${o.detail}`}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(i);
              }}
              onMouseEnter={() => setActive(i)}
              className={cx(
                'flex cursor-pointer items-baseline gap-2 px-2 py-1',
                i === active ? 'bg-indigo-50 text-indigo-900' : 'text-slate-700',
              )}
            >
              <span className="font-mono whitespace-nowrap">{o.path}</span>
              <span className="truncate text-slate-400">{o.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {expressionLike && (
        <ExpressionPreview
          id={previewId}
          value={value}
          json={json}
          data={data}
          dataSource={dataSource}
          suggestions={suggestions}
        />
      )}
    </div>
  );
}

function ExpressionPreview({
  id,
  value,
  json,
  data,
  dataSource,
  suggestions,
}: {
  id: string;
  value: string;
  json: boolean;
  data: ReturnType<typeof useExpressionContextValue>['data'];
  dataSource: string | null;
  suggestions: readonly Suggestion[];
}) {
  const [result, setResult] = useState<PreviewResult | null>(null);
  useEffect(() => {
    let live = true;
    // Without data the expressions still parse (or not): errors show before any run.
    const on = data ?? { trigger: undefined, steps: {} };
    const t = setTimeout(() => {
      void previewField(value, on, json).then((r) => {
        if (live) setResult(r);
      });
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [value, json, data]);

  if (result && !result.ok) {
    return (
      <p
        id={id}
        aria-live="polite"
        className="mt-1 text-xs text-red-700"
        data-testid="expression-preview-error"
      >
        {result.error}
      </p>
    );
  }
  if (!data) {
    // One {{ path }} the output schemas know: its type now, its value after a run or a pin.
    const path = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(value.trim())?.[1];
    const known = path
      ? suggestions.find((s) => s.path === path && s.source === 'schema')
      : undefined;
    return (
      <p id={id} className="mt-1 text-xs text-slate-400" data-testid="expression-preview-empty">
        {known && (
          <>
            <span
              className="rounded bg-slate-100 px-1 text-slate-600"
              data-testid="expression-preview-type"
            >
              {known.type}
            </span>{' '}
            (from the step’s output schema).{' '}
          </>
        )}
        Run the workflow, or pin data on the steps before this one, to preview the value.
      </p>
    );
  }
  if (!result) return <p id={id} className="mt-1 h-4" />;
  const type = valueType(result.value);
  return (
    <p
      id={id}
      className="mt-1 flex gap-1 text-xs text-slate-500"
      data-testid="expression-preview"
      title={typeof result.value === 'string' ? result.value : previewValue(result.value, 2000)}
    >
      <span className="shrink-0 text-slate-400">
        {dataSource ? `Preview (${dataSource}):` : 'Preview:'}
      </span>
      <span
        className="shrink-0 rounded bg-slate-100 px-1 text-slate-600"
        data-testid="expression-preview-type"
      >
        {type}
      </span>
      <span className="truncate font-mono text-slate-700" data-testid="expression-preview-value">
        {result.value === undefined
          ? '(nothing at this path)'
          : typeof result.value === 'string'
            ? JSON.stringify(result.value)
            : previewValue(result.value, 200)}
      </span>
    </p>
  );
}
