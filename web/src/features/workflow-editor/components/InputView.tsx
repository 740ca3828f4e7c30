import { useMemo, useState } from 'react';
import { create } from 'zustand';
import {
  DATA_PATH_MIME,
  expressionFor,
  useExpressionContextValue,
  useInsertionTarget,
  type Suggestion,
} from '../../../components/expression-input';

/**
 * Whether the Input view shows beside a step's parameters (it widens the side panel, so on a
 * narrow screen it starts closed and the user opens it).
 */
export const useInputViewOpen = create<{ open: boolean; toggle(): void }>((set) => ({
  open: typeof window !== 'undefined' && window.innerWidth >= 1500,
  toggle: () => set((s) => ({ open: !s.open })),
}));

/**
 * The Input view: what this step can use, from the trigger and each upstream step (pinned data,
 * else the last run's values, else the output schemas). Drag a field into a parameter, or click it to insert
 * `{{ <path> }}` at the caret of the parameter focused last.
 */
export function InputView() {
  const { suggestions, groups, dataSource } = useExpressionContextValue();
  const target = useInsertionTarget((s) => s.target);
  const [hint, setHint] = useState(false);
  const byRoot = useMemo(() => {
    const map = new Map<string, Suggestion[]>();
    for (const g of groups ?? []) map.set(g.root, []);
    for (const s of suggestions) {
      const root = rootOf(s.path, groups ?? []);
      if (root && s.path !== root) map.get(root)?.push(s);
    }
    return map;
  }, [suggestions, groups]);

  if (!groups || groups.length === 0) {
    return (
      <p className="text-xs text-slate-500">
        Nothing runs before this step yet. Connect it after the trigger to use its data.
      </p>
    );
  }
  return (
    <div className="space-y-3" data-testid="input-view">
      <p className="text-xs text-slate-500">
        Drag a field into a parameter, or click it to insert it where the caret is
        {dataSource ? ` (values: ${dataSource})` : ''}.
      </p>
      {hint && (
        <p role="status" className="text-xs text-amber-700">
          Click into a parameter first, then click a field to insert it there.
        </p>
      )}
      {nearestFirst(groups).map((g, i) => {
        const fields = byRoot.get(g.root) ?? [];
        return (
          <details
            key={g.root}
            // The nearest step's data open; a long one further back (a webhook's headers)
            // folded, so the fields the step most likely needs are on screen.
            open={i === 0 || fields.length <= FOLD_ABOVE}
            aria-label={`${g.label} data`}
            data-testid="input-group"
            data-root={g.root}
          >
            <summary className="flex cursor-pointer items-baseline gap-2 text-xs font-semibold text-slate-700">
              {g.label}
              <code className="font-mono font-normal text-slate-400">{g.root}</code>
              <span className="font-normal text-slate-400">
                {g.pinned ? 'pinned' : g.fromRun ? 'last run' : 'schema'}
              </span>
            </summary>
            {fields.length === 0 ? (
              <p className="mt-1 text-xs text-slate-400">
                No fields known yet: run the workflow once to see this data.
              </p>
            ) : (
              <ul className="mt-1 space-y-px">
                {fields.map((f) => (
                  <li key={f.path}>
                    <button
                      type="button"
                      draggable
                      data-testid="input-field"
                      data-path={f.path}
                      onDragStart={(e) => {
                        e.dataTransfer.setData(DATA_PATH_MIME, expressionFor(f.path));
                        e.dataTransfer.effectAllowed = 'copy';
                      }}
                      // (no preventDefault on mousedown: it would stop the drag; the parameter
                      // keeps its caret position when it loses focus anyway)
                      onClick={() => {
                        if (target) target.insert(expressionFor(f.path));
                        setHint(!target);
                      }}
                      title={
                        target
                          ? `Insert {{ ${f.path} }} into the parameter you edited last`
                          : 'Click into a parameter first, or drag this field into one'
                      }
                      aria-label={`Insert ${f.path}`}
                      className="flex w-full cursor-grab items-baseline gap-2 rounded px-1 py-0.5 text-left text-xs hover:bg-indigo-50"
                      style={{ paddingLeft: `${4 + 10 * (depthOf(f.path, g.root) - 1)}px` }}
                    >
                      <span className="font-mono whitespace-nowrap text-slate-800">
                        {lastSegment(f.path)}
                      </span>
                      <span className="truncate text-slate-400">{f.detail}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </details>
        );
      })}
    </div>
  );
}

/** A group further back than the first with more fields than this starts folded. */
const FOLD_ABOVE = 8;

/**
 * The steps first, nearest first (as upstreamOf lists them), then the trigger, then the run's ids:
 * as in n8n, the data a step most likely maps is its parent's.
 */
function nearestFirst<G extends { root: string }>(groups: readonly G[]): G[] {
  const rank = (root: string) => (root.startsWith('steps.') ? 0 : root === 'trigger' ? 1 : 2);
  return groups
    .map((g, i) => ({ g, i }))
    .sort((a, b) => rank(a.g.root) - rank(b.g.root) || a.i - b.i)
    .map(({ g }) => g);
}

function rootOf(path: string, groups: ReadonlyArray<{ root: string }>): string | undefined {
  // longest root first: `steps.a` must not claim `steps.ab.x`
  let best: string | undefined;
  for (const g of groups) {
    const r = g.root;
    const inside =
      path === r ||
      path.startsWith(`${r}.`) ||
      path.startsWith(`${r}[`) ||
      path.startsWith(`${r}\``);
    if (inside && (!best || r.length > best.length)) best = r;
  }
  return best;
}

function depthOf(path: string, root: string): number {
  return (path.slice(root.length).match(/\.|\[/g) ?? []).length;
}

function lastSegment(path: string): string {
  const m = /(\.`[^`]*`|\.[^.[]+|\[\d+\])$/.exec(path);
  return m ? m[1].replace(/^\./, '') : path;
}
