import { useMemo, useState } from 'react';
import { Dialog } from '../../../components/Dialog';
import { inputClass } from '../../../components/TextField';
import { CATEGORY_LABELS, useNodeTypesStore } from '../../node-types';

/**
 * The picker the "+" on an output opens: every step that can follow (no triggers), searchable;
 * Enter takes the first match.
 */
export function StepPicker({
  open,
  after,
  onPick,
  onClose,
}: {
  open: boolean;
  /** Shown in the title: "after <step>" or "on true of <step>". */
  after: string;
  onPick: (nodeType: string) => void;
  onClose: () => void;
}) {
  const list = useNodeTypesStore((s) => s.list);
  const [query, setQuery] = useState('');
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return list.filter(
      (t) =>
        t.category !== 'trigger' &&
        (!q ||
          t.displayName.toLowerCase().includes(q) ||
          t.type.includes(q) ||
          t.description.toLowerCase().includes(q)),
    );
  }, [list, query]);
  const close = () => {
    setQuery('');
    onClose();
  };
  const pick = (type: string) => {
    setQuery('');
    onPick(type);
  };
  return (
    <Dialog open={open} title={`Add a step ${after}`} onClose={close} testId="step-picker">
      <label htmlFor="step-picker-search" className="sr-only">
        Search steps
      </label>
      <input
        id="step-picker-search"
        type="search"
        autoFocus
        placeholder="Search steps…"
        className={inputClass}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && matches[0]) {
            e.preventDefault();
            pick(matches[0].type);
          }
        }}
        data-testid="step-picker-search"
      />
      <ul className="mt-3 max-h-80 space-y-1 overflow-y-auto">
        {matches.map((t) => (
          <li key={t.type}>
            <button
              type="button"
              className="w-full rounded-md border border-transparent px-2 py-1.5 text-left hover:border-slate-200 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
              onClick={() => pick(t.type)}
              data-testid={`step-picker-item-${t.type}`}
            >
              <span className="block text-sm font-medium text-slate-800">
                {t.displayName}{' '}
                <span className="text-xs font-normal text-slate-400">
                  {CATEGORY_LABELS[t.category] ?? t.category}
                </span>
              </span>
              <span className="line-clamp-1 block text-xs text-slate-500">{t.description}</span>
            </button>
          </li>
        ))}
        {matches.length === 0 && <li className="text-slate-500">No step matches “{query}”.</li>}
      </ul>
    </Dialog>
  );
}
