import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../components/Button';
import { ConfirmDialog, Dialog } from '../../../components/Dialog';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { StatusBadge } from '../../../components/StatusBadge';
import { TextField, inputClass } from '../../../components/TextField';
import { Toggle } from '../../../components/Toggle';
import { describeError, fieldErrors } from '../../../lib/api-client';
import { activationErrorMessage } from '../activation';
import type { WorkflowSummary } from '../../../lib/api-types';
import { formatRelative } from '../../../lib/format';
import { toast } from '../../../stores/toasts';
import {
  activateWorkflow,
  createWorkflow,
  deactivateWorkflow,
  deleteWorkflow,
  duplicateWorkflow,
  listWorkflows,
} from '../api';
import { TableHead } from '../../../components/TableHead';
import { ImportButton, TemplatesDialog } from './StartFrom';

export function WorkflowsPage() {
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<WorkflowSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [rowBusy, setRowBusy] = useState<Record<string, boolean>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [createOpen, setCreateOpen] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const [deleting, setDeleting] = useState<WorkflowSummary | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const loadId = useRef(0);

  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const load = useCallback(async (name: string, cursor: string | null) => {
    const id = ++loadId.current;
    setLoading(true);
    setLoadError(null);
    try {
      const page = await listWorkflows({ name: name || undefined, cursor });
      if (id !== loadId.current) return;
      setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
    } catch (err) {
      if (id === loadId.current) setLoadError(describeError(err));
    } finally {
      if (id === loadId.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(query, null);
  }, [load, query]);

  const patchRow = (wf: WorkflowSummary) =>
    setItems((prev) => prev?.map((w) => (w.id === wf.id ? { ...w, ...wf } : w)) ?? null);

  const toggleActive = async (wf: WorkflowSummary, active: boolean) => {
    setRowBusy((b) => ({ ...b, [wf.id]: true }));
    setRowErrors(({ [wf.id]: _, ...rest }) => rest);
    try {
      const updated = active ? await activateWorkflow(wf.id) : await deactivateWorkflow(wf.id);
      patchRow(updated);
      toast.success(
        active
          ? `“${wf.name}” is active (v${updated.activeVersion ?? '?'})`
          : `“${wf.name}” is inactive`,
      );
    } catch (err) {
      setRowErrors((e) => ({ ...e, [wf.id]: activationErrorMessage(err) }));
    } finally {
      setRowBusy(({ [wf.id]: _, ...rest }) => rest);
    }
  };

  const duplicate = async (wf: WorkflowSummary) => {
    setRowBusy((b) => ({ ...b, [wf.id]: true }));
    setRowErrors(({ [wf.id]: _, ...rest }) => rest);
    try {
      const copy = await duplicateWorkflow(wf.id);
      setItems((prev) => [copy, ...(prev ?? [])]);
      toast.success(`Created “${copy.name}”`);
    } catch (err) {
      setRowErrors((e) => ({ ...e, [wf.id]: describeError(err) }));
    } finally {
      setRowBusy(({ [wf.id]: _, ...rest }) => rest);
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await deleteWorkflow(deleting.id);
      setItems((prev) => prev?.filter((w) => w.id !== deleting.id) ?? null);
      toast.success(`Deleted “${deleting.name}”`);
      setDeleting(null);
    } catch (err) {
      setDeleteError(describeError(err));
    } finally {
      setDeleteBusy(false);
    }
  };

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex items-center gap-3">
        <h1 className="text-xl font-semibold">Workflows</h1>
        <div className="ml-auto w-72">
          <label htmlFor="wf-search" className="sr-only">
            Search workflows by name
          </label>
          <input
            id="wf-search"
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className={inputClass}
            data-testid="workflow-search"
          />
        </div>
        <ImportButton
          onImported={(id) => {
            toast.success('Imported as a new draft');
            navigate(`/workflows/${id}`);
          }}
        />
        <Button onClick={() => setTemplatesOpen(true)} data-testid="workflow-from-template">
          New from template
        </Button>
        <Button variant="primary" onClick={() => setCreateOpen(true)} data-testid="workflow-create">
          New workflow
        </Button>
      </div>

      <div className="mt-5 overflow-hidden rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="workflows-table">
          <TableHead columns={['Name', 'Active', 'Last run', 'Updated']} actions />
          <tbody>
            {items?.map((wf) => (
              <tr
                key={wf.id}
                className="border-t border-slate-100 align-top"
                data-testid={`workflow-row-${wf.id}`}
              >
                <td className="px-4 py-3">
                  <Link
                    to={`/workflows/${wf.id}`}
                    className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                  >
                    {wf.name}
                  </Link>
                  <div className="mt-0.5 text-xs text-slate-500">
                    {wf.latestVersion ? `v${wf.latestVersion} published` : 'Not published'}
                    {wf.draftChangedSincePublish && wf.latestVersion ? ' · draft has changes' : ''}
                    {wf.validation && !wf.validation.ok
                      ? ` · ${wf.validation.errors.length} problem${wf.validation.errors.length === 1 ? '' : 's'}`
                      : ''}
                  </div>
                  <InlineError message={rowErrors[wf.id]} className="mt-1 text-xs" />
                </td>
                <td className="px-4 py-3">
                  <Toggle
                    checked={wf.active}
                    onChange={(on) => void toggleActive(wf, on)}
                    label={`${wf.name} active`}
                    hideLabel
                    busy={rowBusy[wf.id]}
                    testId={`workflow-active-${wf.id}`}
                  />
                  {wf.active && wf.activeVersion !== null && (
                    <span className="ml-2 text-xs text-slate-500">v{wf.activeVersion}</span>
                  )}
                </td>
                <td className="px-4 py-3">
                  {wf.lastExecution ? (
                    <Link
                      to={`/executions/${wf.lastExecution.id}`}
                      className="inline-flex items-center gap-2 hover:underline"
                    >
                      <StatusBadge status={wf.lastExecution.status} />
                      <span className="text-xs text-slate-500">
                        {formatRelative(wf.lastExecution.at)}
                      </span>
                    </Link>
                  ) : wf.lastExecutionKnown === false ? (
                    <span
                      className="text-xs text-slate-400"
                      title="The execution service did not answer: reload to try again"
                    >
                      Unknown
                    </span>
                  ) : (
                    <span className="text-xs text-slate-400">Never run</span>
                  )}
                </td>
                <td className="px-4 py-3 text-xs text-slate-500">{formatRelative(wf.updatedAt)}</td>
                <td className="px-4 py-3 text-right whitespace-nowrap">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => navigate(`/workflows/${wf.id}`)}
                    aria-label={`Edit ${wf.name}`}
                  >
                    Edit
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => void duplicate(wf)}
                    aria-label={`Duplicate ${wf.name}`}
                    disabled={rowBusy[wf.id]}
                  >
                    Duplicate
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    className="text-red-700"
                    onClick={() => {
                      setDeleteError(null);
                      setDeleting(wf);
                    }}
                    aria-label={`Delete ${wf.name}`}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items && items.length === 0 && !loading && (
          <div className="p-10 text-center text-sm text-slate-500">
            {query ? (
              <>No workflow name contains “{query}”.</>
            ) : (
              <>
                <p className="text-base font-medium text-slate-700">No workflows yet</p>
                <p className="mt-1">
                  Create one, add a trigger, and connect the steps that should follow.
                </p>
                <Button variant="primary" className="mt-4" onClick={() => setCreateOpen(true)}>
                  Create your first workflow
                </Button>
              </>
            )}
          </div>
        )}
        {loading && (
          <div className="p-4">
            <Spinner label="Loading workflows…" />
          </div>
        )}
        {loadError && (
          <div className="flex items-center gap-3 p-4">
            <InlineError message={loadError} />
            <Button size="sm" onClick={() => void load(query, null)}>
              Retry
            </Button>
          </div>
        )}
      </div>
      {nextCursor && !loading && (
        <div className="mt-4 text-center">
          <Button onClick={() => void load(query, nextCursor)}>Load more</Button>
        </div>
      )}

      <CreateWorkflowDialog
        open={createOpen}
        onClose={() => setCreateOpen(false)}
        onCreated={(id) => {
          setCreateOpen(false);
          navigate(`/workflows/${id}`);
        }}
      />
      <TemplatesDialog
        open={templatesOpen}
        onClose={() => setTemplatesOpen(false)}
        onCreated={(id) => {
          setTemplatesOpen(false);
          navigate(`/workflows/${id}`);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title="Delete workflow?"
        message={
          <>
            <strong>{deleting?.name}</strong> will be deactivated and deleted. Its webhook URL stops
            working. This cannot be undone.
          </>
        }
        confirmLabel="Delete workflow"
        danger
        busy={deleteBusy}
        error={deleteError}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}

function CreateWorkflowDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setName('');
      setError(null);
    }
  }, [open]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError('Give the workflow a name.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const wf = await createWorkflow({ name: name.trim(), graph: { nodes: [], edges: [] } });
      onCreated(wf.id);
    } catch (err) {
      setError(fieldErrors(err).name ?? describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} title="New workflow" onClose={onClose} testId="create-workflow-dialog">
      <form onSubmit={submit} noValidate>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={error}
          autoFocus
          maxLength={200}
          data-testid="create-workflow-name"
        />
        <div className="mt-5 flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            loading={busy}
            data-testid="create-workflow-submit"
          >
            Create
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
