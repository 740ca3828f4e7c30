import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ReactFlowProvider, useEdgesState, useNodesState } from '@xyflow/react';
import { Button } from '../../../components/Button';
import { Banner, InlineError } from '../../../components/InlineError';
import { JsonView } from '../../../components/JsonView';
import { Spinner } from '../../../components/Spinner';
import { StatusBadge } from '../../../components/StatusBadge';
import { ApiError, describeError } from '../../../lib/api-client';
import { isTerminal } from '../../../lib/api-types';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { fromApiGraph } from '../../../lib/graph';
import { FlowCanvas, type FlowEdge, type FlowNode } from '../../flow-canvas';
import { kindOf, useNodeTypesStore } from '../../node-types';
import { getWorkflow } from '../../workflows';
import { cancelExecution, getExecution, retryExecution } from '../api';
import { useExecutionWatch } from '../hooks/useExecutionWatch';
import { executionRuns, useExecutionStore } from '../store';
import { runKindLabel } from '../labels';
import { StepRunDetails } from './StepRunDetails';

export function ExecutionPage() {
  const { executionId } = useParams();
  if (!executionId) return null;
  return (
    <ReactFlowProvider>
      <ExecutionScreen key={executionId} id={executionId} />
    </ReactFlowProvider>
  );
}

const MODE_LABEL: Record<string, string> = {
  webhook: 'Webhook call',
  schedule: 'Schedule',
  manual: 'Manual run',
  poll: 'New item found by polling',
  event: 'Event pushed by the provider',
};

function ExecutionScreen({ id }: { id: string }) {
  const execution = useExecutionStore((s) => s.execution);
  const steps = useExecutionStore((s) => s.steps);
  const watchError = useExecutionStore((s) => s.error);
  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<FlowEdge>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [workflowName, setWorkflowName] = useState<string | null>(null);
  const [busy, setBusy] = useState<'retry' | 'cancel' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { watch } = useExecutionWatch();

  useEffect(() => {
    const store = useExecutionStore.getState();
    store.clear();
    let live = true;
    const catalog = useNodeTypesStore.getState().ensureLoaded();
    (async () => {
      try {
        const e = await getExecution(id);
        await catalog;
        if (!live) return;
        useExecutionStore.getState().setExecution(e);
        const g = fromApiGraph(e.graph, kindOf);
        setNodes(g.nodes as FlowNode[]);
        setEdges(g.edges);
        if (!isTerminal(e.status)) void watch(id);
        getWorkflow(e.workflowId)
          .then((wf) => live && setWorkflowName(wf.name))
          .catch(() => undefined);
      } catch (err) {
        if (!live) return;
        if (err instanceof ApiError && err.status === 404) setNotFound(true);
        else setLoadError(describeError(err));
      }
    })();
    return () => {
      live = false;
    };
  }, [id, setEdges, setNodes, watch]);

  const orderedSteps = useMemo(
    () =>
      [...(execution?.steps ?? [])].sort((a, b) => {
        const ta = a.startedAt ? Date.parse(a.startedAt) : Number.MAX_SAFE_INTEGER;
        const tb = b.startedAt ? Date.parse(b.startedAt) : Number.MAX_SAFE_INTEGER;
        return ta - tb;
      }),
    [execution?.steps],
  );

  if (notFound) {
    return (
      <div className="mx-auto max-w-lg p-10 text-center">
        <h1 className="text-lg font-semibold">Execution not found</h1>
        <p className="mt-2 text-slate-600">
          It does not exist or is not yours.{' '}
          <Link to="/executions" className="text-indigo-600 underline">
            All executions
          </Link>
        </p>
      </div>
    );
  }
  if (loadError) {
    return (
      <div className="mx-auto max-w-lg p-10 text-center">
        <InlineError message={`Could not open the execution: ${loadError}`} />
      </div>
    );
  }
  if (!execution || execution.id !== id) {
    return (
      <div className="flex h-full items-center justify-center">
        <Spinner label="Loading the execution…" />
      </div>
    );
  }

  const act = async (kind: 'retry' | 'cancel') => {
    setBusy(kind);
    setActionError(null);
    try {
      const e = kind === 'retry' ? await retryExecution(id) : await cancelExecution(id);
      useExecutionStore.getState().setExecution({ ...execution, ...e });
      if (!isTerminal(e.status)) void watch(id);
    } catch (err) {
      const verb = kind === 'retry' ? 'retry' : 'cancel';
      setActionError(
        err instanceof ApiError && err.status === 409
          ? `Could not ${verb}: ${err.message || 'the execution changed state.'}`
          : `Could not ${verb}: ${describeError(err)}`,
      );
    } finally {
      setBusy(null);
    }
  };

  const running = !isTerminal(execution.status);
  const selectedStep = selected ? steps[selected] : undefined;
  const selectedNode = selected ? nodes.find((n) => n.id === selected) : undefined;

  return (
    <div className="flex h-full flex-col" data-testid="execution-view">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        <Link
          to="/executions"
          className="text-sm text-slate-500 hover:text-slate-800"
          aria-label="Back to executions"
        >
          ←
        </Link>
        <h1 className="text-sm font-semibold">
          {workflowName ?? 'Workflow'}{' '}
          <span className="font-mono text-xs font-normal text-slate-400">#{id.slice(0, 8)}</span>
        </h1>
        <StatusBadge status={execution.status} />
        <span className="text-xs text-slate-500">
          {MODE_LABEL[execution.mode] ?? execution.mode} ·{' '}
          <span data-testid="execution-kind">{runKindLabel(execution, 'draft')}</span> · started{' '}
          {formatDateTime(execution.startedAt ?? execution.createdAt)} ·{' '}
          {running ? 'running…' : formatDuration(execution.durationMs)}
        </span>
        <div className="ml-auto flex items-center gap-2">
          {execution.status === 'failed' && (
            <Button
              size="sm"
              variant="primary"
              onClick={() => void act('retry')}
              loading={busy === 'retry'}
              data-testid="execution-retry"
            >
              Retry from failed step
            </Button>
          )}
          {running && (
            <Button
              size="sm"
              variant="danger"
              onClick={() => void act('cancel')}
              loading={busy === 'cancel'}
              data-testid="execution-cancel"
            >
              Cancel
            </Button>
          )}
          <Link
            to={`/workflows/${execution.workflowId}`}
            className="text-sm text-indigo-600 hover:underline"
          >
            Open workflow
          </Link>
        </div>
      </div>
      {(actionError || watchError) && (
        <Banner kind="error" className="mx-4 mt-2">
          {actionError ?? watchError}
        </Banner>
      )}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          {nodes.length === 0 ? (
            <p className="p-6 text-sm text-slate-500">This execution has no graph to draw.</p>
          ) : (
            <FlowCanvas
              mode="view"
              runs={executionRuns}
              nodes={nodes}
              edges={edges}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onNodeClick={(_, n) => setSelected(n.id)}
              onPaneClick={() => setSelected(null)}
            />
          )}
        </div>
        <aside
          aria-label="Execution details"
          className="w-[400px] shrink-0 overflow-y-auto border-l border-slate-200 bg-white p-4"
        >
          {selected ? (
            <div className="space-y-3">
              <div className="flex items-center gap-2">
                <h2 className="font-semibold">{selectedNode?.data.name || selected}</h2>
                <span className="font-mono text-xs text-slate-400">
                  {selectedNode?.data.nodeType}
                </span>
                <button
                  type="button"
                  className="ml-auto text-xs text-indigo-600 hover:underline"
                  onClick={() => setSelected(null)}
                >
                  Overview
                </button>
              </div>
              <StepRunDetails
                step={selectedStep}
                emptyText="This step did not run in this execution."
              />
            </div>
          ) : (
            <div className="space-y-4">
              {execution.error && (
                <div
                  role="alert"
                  className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900"
                >
                  <p className="font-medium">
                    The execution failed
                    {execution.error.nodeId ? ` at ${execution.error.nodeId}` : ''}
                  </p>
                  <p className="mt-1 break-words">{execution.error.message}</p>
                  {execution.error.nodeId && (
                    <button
                      type="button"
                      className="mt-2 text-xs font-medium underline"
                      onClick={() => setSelected(execution.error?.nodeId ?? null)}
                    >
                      Show that step
                    </button>
                  )}
                </div>
              )}
              <section>
                <h2 className="mb-2 text-sm font-semibold">Steps</h2>
                <ol className="space-y-1" data-testid="execution-steps">
                  {orderedSteps.map((s) => (
                    <li key={s.nodeId}>
                      <button
                        type="button"
                        onClick={() => setSelected(s.nodeId)}
                        className="flex w-full items-center gap-2 rounded px-2 py-1 text-left text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
                      >
                        <StatusBadge status={s.status}>
                          {s.status === 'retrying'
                            ? `Retrying ${s.attempts}/${s.maxAttempts}`
                            : undefined}
                        </StatusBadge>
                        <span className="truncate font-mono text-xs">{s.nodeId}</span>
                        <span className="ml-auto text-xs text-slate-400">
                          {formatDuration(s.durationMs)}
                        </span>
                      </button>
                    </li>
                  ))}
                  {orderedSteps.length === 0 && (
                    <li className="text-xs text-slate-400">No step has started yet.</li>
                  )}
                </ol>
              </section>
              <section>
                <h2 className="mb-2 text-sm font-semibold">Trigger payload</h2>
                <JsonView value={execution.triggerPayload} />
              </section>
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
