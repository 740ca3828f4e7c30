import { useCallback, useEffect, useState } from 'react';
import { Button } from '../../../components/Button';
import { Dialog } from '../../../components/Dialog';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { describeError } from '../../../lib/api-client';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { toast } from '../../../stores/toasts';
import {
  activateWorkflow,
  activationErrorMessage,
  diffVersion,
  listVersions,
  type VersionDiff,
  type VersionSummary,
} from '../../workflows';
import { useEditorStore } from '../store';

const show = (v: unknown) => {
  if (v === null || v === undefined || v === '') return '(empty)';
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** The difference as lists a person reads: steps added, removed, changed field by field. */
function DiffView({ diff }: { diff: VersionDiff }) {
  const to = diff.to.version === null ? 'the draft' : `v${diff.to.version}`;
  const { nodes, edges, notes } = diff;
  const noteCount = notes.added + notes.removed + notes.changed;
  return (
    <div
      className="mt-2 space-y-2 rounded border border-slate-200 bg-slate-50 p-3 text-xs"
      data-testid="version-diff"
    >
      <p className="font-medium text-slate-800">
        From v{diff.from.version} to {to}
        {diff.same && ': no change a run would see'}
      </p>
      {nodes.added.length > 0 && (
        <ul aria-label="Steps added">
          {nodes.added.map((n) => (
            <li key={n.id} className="text-emerald-700">
              + step <code>{n.id}</code> ({n.type})
            </li>
          ))}
        </ul>
      )}
      {nodes.removed.length > 0 && (
        <ul aria-label="Steps removed">
          {nodes.removed.map((n) => (
            <li key={n.id} className="text-rose-700">
              − step <code>{n.id}</code> ({n.type})
            </li>
          ))}
        </ul>
      )}
      {nodes.changed.map((n) => (
        <div key={n.id}>
          <p className="text-amber-800">
            ~ step <code>{n.id}</code> ({n.type})
          </p>
          <ul className="ml-4">
            {n.changes.map((c) => (
              <li key={c.path} className="break-all">
                <code>{c.path}</code>: <del className="text-rose-700">{show(c.before)}</del> →{' '}
                <ins className="text-emerald-700 no-underline">{show(c.after)}</ins>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {edges.added.map((e) => (
        <p key={`+${e.source}${e.sourceHandle}${e.target}`} className="text-emerald-700">
          + connection {e.source}
          {e.sourceHandle !== 'main' ? ` (${e.sourceHandle})` : ''} → {e.target}
        </p>
      ))}
      {edges.removed.map((e) => (
        <p key={`-${e.source}${e.sourceHandle}${e.target}`} className="text-rose-700">
          − connection {e.source}
          {e.sourceHandle !== 'main' ? ` (${e.sourceHandle})` : ''} → {e.target}
        </p>
      ))}
      {noteCount > 0 && (
        <p className="text-slate-500">
          Notes: {notes.added} added, {notes.removed} removed, {notes.changed} edited
        </p>
      )}
    </div>
  );
}

/**
 * Published versions with who published them and when, what changed since (against the draft
 * or another version), and "Activate this version" (the trigger service then runs that one).
 */
export function VersionHistory({ open, onClose }: { open: boolean; onClose: () => void }) {
  const workflowId = useEditorStore((s) => s.workflowId);
  const meta = useEditorStore((s) => s.meta);
  const setMeta = useEditorStore((s) => s.setMeta);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [diffs, setDiffs] = useState<Record<number, VersionDiff | 'loading'>>({});
  const [against, setAgainst] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState<number | null>(null);

  const load = useCallback(async () => {
    if (!workflowId) return;
    setError(null);
    try {
      setVersions((await listVersions(workflowId)).items);
    } catch (err) {
      setError(describeError(err));
    }
  }, [workflowId]);

  useEffect(() => {
    if (!open) return;
    setDiffs({});
    void load();
  }, [open, load]);

  if (!workflowId) return null;

  const compare = async (version: number) => {
    const target = against[version] ?? 'draft';
    setDiffs((d) => ({ ...d, [version]: 'loading' }));
    setError(null);
    try {
      const diff = await diffVersion(
        workflowId,
        version,
        target === 'draft' ? 'draft' : Number(target),
      );
      setDiffs((d) => ({ ...d, [version]: diff }));
    } catch (err) {
      setDiffs(({ [version]: _, ...rest }) => rest);
      setError(describeError(err));
    }
  };

  const activate = async (version: number) => {
    setBusy(version);
    setError(null);
    try {
      const wf = await activateWorkflow(workflowId, version);
      setMeta(wf);
      toast.success(`Active: version ${version} now runs on every trigger`);
    } catch (err) {
      setError(activationErrorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dialog open={open} title="Version history" onClose={onClose} testId="version-history" wide>
      <InlineError message={error} className="mb-2" />
      {versions === null && !error && <Spinner label="Loading versions…" />}
      {versions?.length === 0 && (
        <p className="text-slate-600">
          Nothing published yet: publish the draft to make version 1.
        </p>
      )}
      <ol className="max-h-[60vh] space-y-3 overflow-y-auto">
        {versions?.map((v) => {
          const isActive = meta?.active && meta.activeVersion === v.version;
          const diff = diffs[v.version];
          return (
            <li
              key={v.version}
              className="rounded border border-slate-200 p-3"
              data-testid={`version-${v.version}`}
            >
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-semibold text-slate-900">v{v.version}</span>
                {isActive && (
                  <span className="rounded bg-emerald-100 px-1.5 text-xs font-medium text-emerald-800">
                    active
                  </span>
                )}
                <span className="text-xs text-slate-500" title={formatDateTime(v.createdAt)}>
                  {formatRelative(v.createdAt)} ·{' '}
                  {v.publishedBy ? `by ${v.publishedBy}` : 'publisher not recorded'}
                </span>
                <div className="ml-auto flex items-center gap-2">
                  <label className="sr-only" htmlFor={`against-${v.version}`}>
                    Compare v{v.version} with
                  </label>
                  <select
                    id={`against-${v.version}`}
                    className="rounded border border-slate-300 px-1 py-0.5 text-xs"
                    value={against[v.version] ?? 'draft'}
                    onChange={(e) => setAgainst((a) => ({ ...a, [v.version]: e.target.value }))}
                    data-testid={`version-against-${v.version}`}
                  >
                    <option value="draft">the draft</option>
                    {versions
                      .filter((o) => o.version !== v.version)
                      .map((o) => (
                        <option key={o.version} value={o.version}>
                          v{o.version}
                        </option>
                      ))}
                  </select>
                  <Button
                    size="sm"
                    onClick={() => void compare(v.version)}
                    loading={diff === 'loading'}
                    data-testid={`version-compare-${v.version}`}
                  >
                    Show changes
                  </Button>
                  <Button
                    size="sm"
                    variant="primary"
                    disabled={isActive}
                    loading={busy === v.version}
                    onClick={() => void activate(v.version)}
                    data-testid={`version-activate-${v.version}`}
                  >
                    {isActive ? 'Active' : 'Activate this version'}
                  </Button>
                </div>
              </div>
              {diff && diff !== 'loading' && <DiffView diff={diff} />}
            </li>
          );
        })}
      </ol>
    </Dialog>
  );
}
