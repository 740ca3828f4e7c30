import { useMemo, useState } from 'react';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { inputClass } from '../../../components/TextField';
import type { NodeTypeInfo } from '../../../lib/api-types';
import { CATEGORY_LABELS, useNodeTypesStore } from '../../node-types';
import { DRAG_MIME, useAddNode } from '../hooks/useAddNode';

const ORDER = ['trigger', 'action', 'logic'];

/** Node types grouped by category, searchable; drag onto the canvas, or click/Enter to add after the selected step. */
export function Palette() {
  const status = useNodeTypesStore((s) => s.status);
  const error = useNodeTypesStore((s) => s.error);
  const list = useNodeTypesStore((s) => s.list);
  const ensureLoaded = useNodeTypesStore((s) => s.ensureLoaded);
  const [query, setQuery] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const addNode = useAddNode();
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = list.filter(
      (t) =>
        !q ||
        t.displayName.toLowerCase().includes(q) ||
        t.type.includes(q) ||
        t.description.toLowerCase().includes(q),
    );
    const byCat = new Map<string, NodeTypeInfo[]>();
    for (const t of matches) byCat.set(t.category, [...(byCat.get(t.category) ?? []), t]);
    return [...byCat.entries()].sort(
      ([a], [b]) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99),
    );
  }, [list, query]);

  return (
    <aside
      aria-label="Steps you can add"
      className="flex w-60 shrink-0 flex-col border-r border-slate-200 bg-white"
    >
      <div className="border-b border-slate-100 p-3">
        <label htmlFor="palette-search" className="sr-only">
          Search steps
        </label>
        <input
          id="palette-search"
          type="search"
          placeholder="Search steps…"
          className={inputClass}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="palette-search"
        />
        <InlineError message={addError} className="mt-2 text-xs" />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-2">
        {status === 'loading' && <Spinner label="Loading steps…" />}
        {status === 'error' && (
          <div className="space-y-2 p-2">
            <InlineError message={`Could not load the step catalog: ${error}`} />
            <Button size="sm" onClick={() => void ensureLoaded()}>
              Retry
            </Button>
          </div>
        )}
        {status === 'ready' && groups.length === 0 && (
          <p className="p-2 text-sm text-slate-500">No step matches “{query}”.</p>
        )}
        {groups.map(([category, types]) => (
          <section key={category} className="mb-3" aria-labelledby={`palette-cat-${category}`}>
            <h3
              id={`palette-cat-${category}`}
              className="px-2 py-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase"
            >
              {CATEGORY_LABELS[category] ?? category}
            </h3>
            <ul className="space-y-1">
              {types.map((t) => (
                <li key={t.type}>
                  <button
                    type="button"
                    draggable
                    data-testid={`palette-item-${t.type}`}
                    title={`${t.description}\nDrag onto the canvas, or click to add after the selected step.`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_MIME, t.type);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => {
                      const res = addNode(t.type);
                      setAddError(res.ok ? null : res.error);
                    }}
                    className="group w-full cursor-grab rounded-md border border-transparent px-2 py-1.5 text-left hover:border-slate-200 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500 active:cursor-grabbing"
                  >
                    <span className="block text-sm font-medium text-slate-800">
                      {t.displayName}
                    </span>
                    <span className="line-clamp-2 block text-xs text-slate-500">
                      {t.description}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="border-t border-slate-100 p-3 text-[11px] leading-4 text-slate-400">
        “+” on a step’s output adds the next step · a double click opens a step with its input and
        output · Del removes · Ctrl+C / Ctrl+V copy and paste · Ctrl+Z / Ctrl+Shift+Z undo and redo
        · on the canvas: arrows pan, + / − zoom, 0 fits
      </p>
    </aside>
  );
}
