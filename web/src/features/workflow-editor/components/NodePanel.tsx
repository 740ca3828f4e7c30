import { useEffect, useState } from 'react';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import { inputClass } from '../../../components/TextField';
import { cx } from '../../../lib/cx';
import { StepRunDetails, useExecutionStore } from '../../executions';
import { useNodeTypesStore } from '../../node-types';
import { ExpressionContext } from '../../../components/expression-input';
import { useExpressionContext } from '../hooks/useExpressionContext';
import { useStepView } from '../hooks/useStepView';
import { useEditorStore } from '../store';
import type { StepNodeData } from '../../../lib/graph';
import { SchemaForm, type FormWidgets } from '../../../components/schema-form';
import { ConnectionPicker, OptionsSelect } from '../../connections';
import { InputView, useInputViewOpen } from './InputView';
import { ScheduleDetails, WebhookDetails } from './TriggerDetails';
import { PinnedDataSection, RunStepSection, TestWebhookSection } from '../testing';

type Tab = 'config' | 'run';

const columnTitle =
  'flex items-center border-b border-slate-200 px-4 py-2 text-sm font-medium text-slate-700';

/** Connection fields pick from the user's connections; option fields load lists through them. */
const WIDGETS: FormWidgets = { Connection: ConnectionPicker, Options: OptionsSelect };

export function NodePanel({ nodeId }: { nodeId: string }) {
  const data = useEditorStore((s) => s.nodes.find((n) => n.id === nodeId)?.data);
  const kind = useEditorStore((s) => s.nodes.find((n) => n.id === nodeId)?.type);
  const issues = useEditorStore((s) => s.validation.byNode[nodeId]);
  const updateConfig = useEditorStore((s) => s.updateConfig);
  const deleteNode = useEditorStore((s) => s.deleteNode);
  const info = useNodeTypesStore((s) => (data ? s.byType[data.nodeType] : undefined));
  const catalogReady = useNodeTypesStore((s) => s.status === 'ready');
  const step = useExecutionStore((s) => s.steps[nodeId]);
  const hasRun = step !== undefined;
  const executionId = useExecutionStore((s) => s.execution?.id);
  const [tab, setTab] = useState<Tab>(hasRun ? 'run' : 'config');
  const exprCtx = useExpressionContext(nodeId);
  const inputOpen = useInputViewOpen((s) => s.open);
  const toggleInput = useInputViewOpen((s) => s.toggle);
  const expanded = useStepView((s) => s.expanded);
  const setExpanded = useStepView((s) => s.setExpanded);

  useEffect(() => {
    setTab(useExecutionStore.getState().steps[nodeId] ? 'run' : 'config');
  }, [nodeId]);

  // When a run reaches this step, show what it did (the user just clicked Run to see that).
  useEffect(() => {
    if (hasRun && executionId) setTab('run');
  }, [hasRun, executionId]);

  if (!data) return null;
  const tabClass = (t: Tab) =>
    cx(
      'border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-500',
      tab === t
        ? 'border-indigo-600 text-indigo-700'
        : 'border-transparent text-slate-500 hover:text-slate-800',
    );
  const problems = issues && issues.length > 0 && (
    <span
      className="ml-1.5 rounded-full bg-red-100 px-1.5 text-xs text-red-700"
      aria-label={`${issues.length} problems`}
    >
      {issues.length}
    </span>
  );
  // The step's settings; "Run this step" sits here in the side panel, beside Output in the full view.
  const parameters = (withRunStep: boolean) => (
    <div className="space-y-4">
      {kind === 'trigger' && data.nodeType === 'webhook' && (
        <>
          <WebhookDetails config={data.config} />
          <TestWebhookSection nodeId={nodeId} />
        </>
      )}
      {kind !== 'trigger' && withRunStep && <RunStepSection nodeId={nodeId} />}
      {kind === 'trigger' && data.nodeType === 'schedule' && (
        <ScheduleDetails config={data.config} />
      )}
      {info ? (
        <SchemaForm
          key={nodeId}
          schema={info.configSchema}
          value={data.config}
          onChange={(next, path) => updateConfig(nodeId, next, path)}
          issues={issues}
          idPrefix={`cfg-${nodeId}`}
          expressions={kind !== 'trigger'}
          widgets={WIDGETS}
        />
      ) : catalogReady ? (
        <InlineError
          message={`The step type “${data.nodeType}” is not available on this server. Delete this step or replace it.`}
        />
      ) : (
        <p className="text-sm text-slate-500">Loading this step’s settings…</p>
      )}
      {kind !== 'trigger' && <RetrySettings nodeId={nodeId} retry={data.retry} />}
    </div>
  );
  const output = (
    <div className="space-y-4">
      {kind !== 'trigger' && <RunStepSection nodeId={nodeId} />}
      <PinnedDataSection nodeId={nodeId} />
      <StepRunDetails
        step={step}
        emptyText="This step has not run yet. Click “Run once” to test the workflow with a sample payload."
      />
    </div>
  );
  return (
    <div className="flex h-full flex-col" data-testid="node-panel">
      <NodeHeader
        nodeId={nodeId}
        data={data}
        displayName={info?.displayName}
        description={info?.description}
        onDelete={() => deleteNode(nodeId)}
        expanded={expanded}
        onExpand={setExpanded}
      />
      <ExpressionContext.Provider value={exprCtx}>
        {/* One tree for both layouts: switching keeps every section mounted (a test webhook
            listener waiting in the parameters is not stopped by opening the full view). */}
        <div className="flex min-h-0 flex-1" data-testid={expanded ? 'step-view-full' : undefined}>
          {kind !== 'trigger' && (expanded || inputOpen) && (
            <section
              aria-labelledby="input-title"
              className={cx(
                'flex shrink-0 flex-col border-r border-slate-200',
                expanded ? 'w-[30%] min-w-[240px]' : 'w-[300px]',
              )}
              data-testid={expanded ? 'step-view-input' : undefined}
            >
              <h2 id="input-title" className={columnTitle}>
                Input
              </h2>
              <div className="min-h-0 flex-1 overflow-y-auto p-3">
                <InputView />
              </div>
            </section>
          )}
          <section
            aria-labelledby={expanded ? 'parameters-title' : undefined}
            className="flex min-w-0 flex-1 flex-col"
            data-testid={expanded ? 'step-view-parameters' : undefined}
          >
            {expanded ? (
              <h2 id="parameters-title" className={columnTitle}>
                Parameters
                {problems}
              </h2>
            ) : (
              <div className="flex items-center border-b border-slate-200 px-2">
                {kind !== 'trigger' && (
                  <button
                    type="button"
                    aria-expanded={inputOpen}
                    onClick={toggleInput}
                    data-testid="toggle-input-view"
                    title="The data of earlier steps, to drag into parameters"
                    className="mr-1 rounded px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500"
                  >
                    {inputOpen ? '◂ Input' : 'Input ▸'}
                  </button>
                )}
                <div role="tablist" aria-label="Step panel" className="flex">
                  <button
                    role="tab"
                    id="tab-config"
                    aria-selected={tab === 'config'}
                    aria-controls="panel-config"
                    className={tabClass('config')}
                    onClick={() => setTab('config')}
                  >
                    Parameters
                    {problems}
                  </button>
                  <button
                    role="tab"
                    id="tab-run"
                    aria-selected={tab === 'run'}
                    aria-controls="panel-run"
                    className={tabClass('run')}
                    onClick={() => setTab('run')}
                    data-testid="tab-run-data"
                  >
                    Output
                    {step && (
                      <span
                        aria-hidden="true"
                        className={cx(
                          'ml-1.5 inline-block h-2 w-2 rounded-full',
                          step.status === 'succeeded'
                            ? 'bg-emerald-500'
                            : step.status === 'failed'
                              ? 'bg-red-500'
                              : step.status === 'skipped'
                                ? 'bg-slate-300'
                                : 'bg-blue-500',
                        )}
                      />
                    )}
                  </button>
                </div>
                <button
                  type="button"
                  onClick={() => setExpanded(true)}
                  title="Input, Parameters and Output side by side (or double-click the step)"
                  aria-label="Open full view"
                  data-testid="step-view-toggle"
                  className="ml-auto rounded px-2 py-1 text-xs font-medium whitespace-nowrap text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500"
                >
                  ⤢ Full view
                </button>
              </div>
            )}
            <div className="min-h-0 flex-1 overflow-y-auto p-4">
              {/* Hidden, not unmounted, on the Output tab: a test webhook listener waiting in
                  the parameters keeps waiting while the user looks at the output. */}
              <div
                role={expanded ? undefined : 'tabpanel'}
                id="panel-config"
                aria-labelledby={expanded ? undefined : 'tab-config'}
                hidden={!expanded && tab !== 'config'}
              >
                {parameters(!expanded)}
              </div>
              {!expanded && tab === 'run' && (
                <div role="tabpanel" id="panel-run" aria-labelledby="tab-run">
                  {output}
                </div>
              )}
            </div>
          </section>
          {expanded && (
            <section
              aria-labelledby="output-title"
              className="flex w-[34%] min-w-[280px] shrink-0 flex-col border-l border-slate-200 bg-slate-50/60"
              data-testid="step-view-output"
            >
              <h2 id="output-title" className={columnTitle}>
                Output
              </h2>
              <div className="min-h-0 flex-1 overflow-y-auto p-4">{output}</div>
            </section>
          )}
        </div>
      </ExpressionContext.Provider>
    </div>
  );
}

function NodeHeader({
  nodeId,
  data,
  displayName,
  description,
  onDelete,
  expanded,
  onExpand,
}: {
  nodeId: string;
  data: StepNodeData;
  displayName?: string;
  description?: string;
  onDelete: () => void;
  expanded: boolean;
  /** Closes the full view (opened from the tab row or by a double click on the step). */
  onExpand: (expanded: boolean) => void;
}) {
  const updateNode = useEditorStore((s) => s.updateNode);
  const renameNodeId = useEditorStore((s) => s.renameNodeId);
  const [idText, setIdText] = useState(nodeId);
  const [idError, setIdError] = useState<string | null>(null);
  useEffect(() => {
    setIdText(nodeId);
    setIdError(null);
  }, [nodeId]);
  const commitId = () => {
    const err = renameNodeId(nodeId, idText.trim());
    setIdError(err);
  };
  return (
    <div className="space-y-2 border-b border-slate-200 p-4">
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <p className="text-xs font-medium tracking-wide text-slate-400 uppercase">
            {displayName ?? data.nodeType}
          </p>
          <label htmlFor="node-name" className="sr-only">
            Step name
          </label>
          <input
            id="node-name"
            className="w-full rounded border border-transparent px-1 py-0.5 text-base font-semibold text-slate-900 hover:border-slate-200 focus:border-indigo-500 focus:outline-none"
            value={data.name ?? ''}
            placeholder={displayName ?? data.nodeType}
            maxLength={200}
            onChange={(e) => updateNode(nodeId, { name: e.target.value || undefined }, 'name')}
            data-testid="node-name"
          />
        </div>
        {expanded && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => onExpand(false)}
            title="Back to the side panel (Esc)"
            data-testid="step-view-toggle"
          >
            Close full view
          </Button>
        )}
        <Button
          size="sm"
          variant="ghost"
          className="text-red-700"
          onClick={onDelete}
          aria-label="Delete this step"
          data-testid="node-delete"
        >
          Delete
        </Button>
      </div>
      {description && <p className="text-xs text-slate-500">{description}</p>}
      <div>
        <label htmlFor="node-id" className="text-xs text-slate-500">
          Referenced in expressions as <code className="font-mono">steps.{nodeId}</code>
        </label>
        <input
          id="node-id"
          className={cx(inputClass, 'mt-1 font-mono text-xs', idError && 'border-red-400')}
          value={idText}
          onChange={(e) => setIdText(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitId();
            if (e.key === 'Escape') {
              // Claimed: the full view's Escape does not also close it.
              e.preventDefault();
              setIdText(nodeId);
              setIdError(null);
            }
          }}
          aria-invalid={idError ? true : undefined}
          aria-describedby={idError ? 'node-id-error' : undefined}
        />
        <InlineError id="node-id-error" message={idError} className="mt-1 text-xs" />
      </div>
    </div>
  );
}

type Retry = StepNodeData['retry'];

function RetrySettings({ nodeId, retry }: { nodeId: string; retry: Retry }) {
  const updateNode = useEditorStore((s) => s.updateNode);
  const set = (patch: Partial<NonNullable<Retry>>, key: string) => {
    const next = { ...(retry ?? {}), ...patch } as Record<string, unknown>;
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    updateNode(
      nodeId,
      { retry: Object.keys(next).length ? (next as Retry) : undefined },
      `retry.${key}`,
    );
  };
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  return (
    <details className="rounded-md border border-slate-200" open={retry !== undefined}>
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">
        Retries and timeout
      </summary>
      <div className="grid grid-cols-2 gap-3 border-t border-slate-100 p-3">
        <label className="text-xs text-slate-600">
          Attempts (1 = no retry)
          <input
            type="number"
            min={1}
            max={20}
            className={cx(inputClass, 'mt-1')}
            value={retry?.attempts ?? ''}
            placeholder="default"
            onChange={(e) => set({ attempts: num(e.target.value) }, 'attempts')}
          />
        </label>
        <label className="text-xs text-slate-600">
          Timeout per attempt (ms)
          <input
            type="number"
            min={100}
            max={3600000}
            className={cx(inputClass, 'mt-1')}
            value={retry?.timeoutMs ?? ''}
            placeholder="default"
            onChange={(e) => set({ timeoutMs: num(e.target.value) }, 'timeoutMs')}
          />
        </label>
        <label className="text-xs text-slate-600">
          Backoff
          <select
            className={cx(inputClass, 'mt-1')}
            value={retry?.backoff?.type ?? 'exponential'}
            onChange={(e) =>
              set(
                {
                  backoff: {
                    type: e.target.value as 'fixed' | 'exponential',
                    delayMs: retry?.backoff?.delayMs ?? 1000,
                  },
                },
                'backoff',
              )
            }
          >
            <option value="exponential">Exponential</option>
            <option value="fixed">Fixed</option>
          </select>
        </label>
        <label className="text-xs text-slate-600">
          First delay (ms)
          <input
            type="number"
            min={0}
            className={cx(inputClass, 'mt-1')}
            value={retry?.backoff?.delayMs ?? ''}
            placeholder="default"
            onChange={(e) =>
              set(
                {
                  backoff: {
                    type: retry?.backoff?.type ?? 'exponential',
                    delayMs: num(e.target.value) ?? 1000,
                  },
                },
                'delay',
              )
            }
          />
        </label>
      </div>
    </details>
  );
}
