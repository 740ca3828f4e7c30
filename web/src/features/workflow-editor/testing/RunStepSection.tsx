import { useShallow } from 'zustand/react/shallow';
import { Banner, InlineError } from '../../../components/InlineError';
import { Button } from '../../../components/Button';
import { useExecutionStore } from '../../executions';
import { useNodeTypesStore } from '../../node-types';
import { useEditorStore } from '../store';
import { useTestRunner } from './context';

/**
 * "Run this step": runs only this step of the draft on its upstream steps' data (pinned data,
 * else their output in the last test run). Says plainly which input has no data yet and offers
 * to run the workflow first; warns that an action step acts for real.
 */
export function RunStepSection({ nodeId }: { nodeId: string }) {
  const runner = useTestRunner();
  const category = useNodeTypesStore((s) => {
    const type = useEditorStore.getState().nodes.find((n) => n.id === nodeId)?.data.nodeType;
    return type ? s.byType[type]?.category : undefined;
  });
  // This step's inputs, and whether each has data without a run (the trigger, or pinned).
  const inputs = useEditorStore(
    useShallow((s) =>
      s.edges
        .filter((e) => e.target === nodeId)
        .map((e) => s.nodes.find((n) => n.id === e.source))
        .filter((n) => n !== undefined)
        .map((n) =>
          [n.id, n.data.name || n.id, n.type === 'trigger' || n.data.pinnedData !== undefined].join(
            '\u0000',
          ),
        ),
    ),
  ).map((line) => {
    const [id, name, known] = line.split('\u0000');
    return { id, name, known: known === 'true' };
  });
  const ran = useExecutionStore(
    useShallow((s) => inputs.filter((i) => s.steps[i.id]?.status === 'succeeded').map((i) => i.id)),
  );
  if (!runner) return null;
  const withoutData = inputs.filter((i) => !i.known && !ran.includes(i.id));
  const noData = inputs.length > 0 && withoutData.length === inputs.length;
  return (
    <div className="space-y-2 rounded-md border border-slate-200 p-3" data-testid="run-step">
      <div className="flex items-center gap-2">
        <Button
          size="sm"
          variant="primary"
          className="shrink-0 whitespace-nowrap"
          disabled={runner.starting}
          onClick={() => void runner.run(undefined, nodeId)}
          data-testid="run-step-button"
        >
          {runner.starting ? 'Starting…' : 'Run this step'}
        </Button>
        <span className="text-xs text-slate-500">
          Uses the data of the steps before it (pinned, else the last test run).
        </span>
      </div>
      {category === 'action' && (
        <p className="text-xs text-amber-800" data-testid="run-step-real">
          This step runs for real: it sends its request or message. Pin its output to test the steps
          after it without sending again.
        </p>
      )}
      {noData && (
        <Banner kind="warning" className="text-xs" testId="run-step-missing">
          <span>
            The step before this one (“{withoutData[0].name}”) has no data yet in the last run. Run
            the workflow first, or pin data on that step.
          </span>{' '}
          <Button
            size="sm"
            className="mt-1"
            disabled={runner.starting}
            onClick={() => void runner.run(undefined)}
            data-testid="run-upstream-first"
          >
            Run the workflow first
          </Button>
        </Banner>
      )}
      <InlineError message={runner.error} className="text-xs" />
    </div>
  );
}
