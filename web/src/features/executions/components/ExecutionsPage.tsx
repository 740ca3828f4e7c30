import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { StatusBadge } from '../../../components/StatusBadge';
import { inputClass } from '../../../components/TextField';
import { describeError } from '../../../lib/api-client';
import {
  isTerminal,
  type ExecutionStatus,
  type ExecutionSummary,
  type WorkflowSummary,
} from '../../../lib/api-types';
import { formatDateTime, formatDuration, formatRelative } from '../../../lib/format';
import { listWorkflows } from '../../workflows';
import { listExecutions } from '../api';
import { runKindLabel } from '../labels';
import { TableHead } from '../../../components/TableHead';

const STATUSES: ExecutionStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
const MODE_LABEL: Record<string, string> = {
  webhook: 'Webhook',
  schedule: 'Schedule',
  manual: 'Manual',
  poll: 'New item (polled)',
  event: 'Provider event',
};

/** Every execution across workflows, newest first, filterable by status and workflow. */
export function ExecutionsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as ExecutionStatus | '';
  const workflowId = params.get('workflowId') ?? '';
  const navigate = useNavigate();
  const [items, setItems] = useState<ExecutionSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  const seq = useRef(0);
  const busy = useRef(false);
  const prev0 = useRef<ExecutionSummary[] | null>(null);
  prev0.current = items;

  useEffect(() => {
    listWorkflows({ limit: 100 })
      .then((p) => setWorkflows(p.items))
      .catch(() => undefined);
  }, []);
  const names = useMemo(
    () => Object.fromEntries(workflows.map((w) => [w.id, w.name])),
    [workflows],
  );

  const load = useCallback(
    async (cursor: string | null, quiet = false) => {
      // a background refresh never cancels, nor races, a load the user asked for
      if (quiet && busy.current) return;
      const id = quiet ? seq.current : ++seq.current;
      if (!quiet) {
        setLoading(true);
        busy.current = true;
      }
      setError(null);
      try {
        const page = await listExecutions({ status, workflowId: workflowId || undefined, cursor });
        if (id !== seq.current) return;
        if (quiet && prev0.current) {
          // refresh in place: update known rows, add new ones on top, keep pages already loaded
          const fresh = new Map(page.items.map((e) => [e.id, e]));
          setItems((prev) => {
            const known = new Set((prev ?? []).map((e) => e.id));
            return [
              ...page.items.filter((e) => !known.has(e.id)),
              ...(prev ?? []).map((e) => fresh.get(e.id) ?? e),
            ];
          });
          return;
        }
        setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (err) {
        if (id === seq.current && !quiet) setError(describeError(err));
      } finally {
        if (!quiet && id === seq.current) {
          setLoading(false);
          busy.current = false;
        }
      }
    },
    [status, workflowId],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  // Keep the first page fresh while something on it is still running.
  const anyRunning = items?.some((e) => !isTerminal(e.status)) ?? false;
  useEffect(() => {
    if (!anyRunning) return;
    const t = setInterval(() => void load(null, true), 3000);
    return () => clearInterval(t);
  }, [anyRunning, load]);

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <div className="mx-auto max-w-6xl p-6">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="mr-auto text-xl font-semibold">Executions</h1>
        <label className="text-xs text-slate-600">
          Status
          <select
            className={`${inputClass} mt-1 w-40`}
            value={status}
            onChange={(e) => setFilter('status', e.target.value)}
            data-testid="filter-status"
          >
            <option value="">All statuses</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0].toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs text-slate-600">
          Workflow
          <select
            className={`${inputClass} mt-1 w-64`}
            value={workflowId}
            onChange={(e) => setFilter('workflowId', e.target.value)}
            data-testid="filter-workflow"
          >
            <option value="">All workflows</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <Button onClick={() => void load(null)} loading={loading}>
          Refresh
        </Button>
      </div>

      <div className="mt-5 overflow-hidden rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm" data-testid="executions-table">
          <TableHead
            columns={['Status', 'Workflow', 'Trigger', 'Started', 'Duration', 'Version']}
          />
          <tbody>
            {items?.map((e) => (
              <tr
                key={e.id}
                className="cursor-pointer border-t border-slate-100 hover:bg-slate-50"
                onClick={() => navigate(`/executions/${e.id}`)}
                data-testid={`execution-row-${e.id}`}
              >
                <td className="px-4 py-2.5">
                  <Link
                    to={`/executions/${e.id}`}
                    onClick={(ev) => ev.stopPropagation()}
                    aria-label={`Open execution ${e.id}: ${e.status}`}
                  >
                    <StatusBadge status={e.status} />
                  </Link>
                </td>
                <td className="px-4 py-2.5">
                  {names[e.workflowId] ?? (
                    <span className="font-mono text-xs text-slate-500">
                      {e.workflowId.slice(0, 8)}…
                    </span>
                  )}
                </td>
                <td className="px-4 py-2.5 text-slate-600">{MODE_LABEL[e.mode] ?? e.mode}</td>
                <td
                  className="px-4 py-2.5 text-slate-600"
                  title={formatDateTime(e.startedAt ?? e.createdAt)}
                >
                  {formatRelative(e.startedAt ?? e.createdAt)}
                </td>
                <td className="px-4 py-2.5 text-slate-600">
                  {isTerminal(e.status) ? formatDuration(e.durationMs) : 'running…'}
                </td>
                <td
                  className="px-4 py-2.5 text-xs text-slate-500"
                  data-testid={`execution-kind-${e.id}`}
                >
                  {runKindLabel(e, 'draft (test run)')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items && items.length === 0 && !loading && (
          <p className="p-10 text-center text-sm text-slate-500">
            {status || workflowId
              ? 'No execution matches these filters.'
              : 'No executions yet. Run a workflow once from the builder, or activate it and call its trigger.'}
          </p>
        )}
        {loading && !items && (
          <div className="p-4">
            <Spinner label="Loading executions…" />
          </div>
        )}
        {error && (
          <div className="flex items-center gap-3 p-4">
            <InlineError message={error} />
            <Button size="sm" onClick={() => void load(null)}>
              Retry
            </Button>
          </div>
        )}
      </div>
      {nextCursor && (
        <div className="mt-4 text-center">
          <Button onClick={() => void load(nextCursor)} loading={loading}>
            Load more
          </Button>
        </div>
      )}
    </div>
  );
}
