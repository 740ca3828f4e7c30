import { useState } from 'react';
import { cx } from '../lib/cx';
import { toJsonText } from '../lib/format';

/** Collapsible JSON tree for step input/output/error. Large subtrees start collapsed. */
export function JsonView({
  value,
  label,
  defaultOpenDepth = 1,
  testId,
}: {
  value: unknown;
  label?: string;
  defaultOpenDepth?: number;
  testId?: string;
}) {
  return (
    <div
      data-testid={testId}
      className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-xs leading-5"
    >
      <JsonNode name={label} value={value} depth={0} openDepth={defaultOpenDepth} />
    </div>
  );
}

function JsonNode({
  name,
  value,
  depth,
  openDepth,
}: {
  name?: string;
  value: unknown;
  depth: number;
  openDepth: number;
}) {
  const isArray = Array.isArray(value);
  const isObject = value !== null && typeof value === 'object';
  const entries = isObject
    ? isArray
      ? (value as unknown[]).map((v, i) => [String(i), v] as const)
      : Object.entries(value as object)
    : [];
  const [open, setOpen] = useState(depth < openDepth && entries.length <= 50);
  const key = name !== undefined ? <span className="text-violet-700">{name}: </span> : null;
  if (!isObject) {
    return (
      <div style={{ paddingLeft: depth ? 12 : 0 }}>
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const [openCh, closeCh] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div style={{ paddingLeft: depth ? 12 : 0 }}>
        {key}
        <span className="text-slate-500">{openCh + closeCh}</span>
      </div>
    );
  }
  return (
    <div style={{ paddingLeft: depth ? 12 : 0 }}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        className="-ml-1 rounded px-1 text-left hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <span aria-hidden="true" className="inline-block w-3 text-slate-400">
          {open ? '▾' : '▸'}
        </span>
        {key}
        <span className="text-slate-500">
          {openCh}
          {!open &&
            ` ${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} ${closeCh}`}
        </span>
      </button>
      {open && (
        <>
          {entries.map(([k, v]) => (
            <JsonNode
              key={k}
              name={isArray ? undefined : k}
              value={v}
              depth={depth + 1}
              openDepth={openDepth}
            />
          ))}
          <div className="text-slate-500">{closeCh}</div>
        </>
      )}
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  const cls = cx(
    typeof value === 'string' && 'text-emerald-700',
    typeof value === 'number' && 'text-sky-700',
    typeof value === 'boolean' && 'text-amber-700',
    (value === null || value === undefined) && 'text-slate-400',
  );
  const text = typeof value === 'string' ? JSON.stringify(value) : toJsonText(value, 0);
  return <span className={cx(cls, 'break-all whitespace-pre-wrap')}>{text}</span>;
}
