import { useState } from 'react';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import { JsonView } from '../../../components/JsonView';
import { inputClass } from '../../../components/TextField';
import { cx } from '../../../lib/cx';
import { useExecutionStore } from '../../executions';
import { useEditorStore } from '../store';

/**
 * Pinned sample data of a step: pin its last output (or typed JSON), edit or unpin it. Draft test
 * runs use a pin instead of running the step (a trigger's pin is the test payload); published
 * runs ignore pins.
 */
export function PinnedDataSection({ nodeId }: { nodeId: string }) {
  const pinned = useEditorStore((s) => s.nodes.find((n) => n.id === nodeId)?.data.pinnedData);
  const isTrigger = useEditorStore((s) => s.nodes.find((n) => n.id === nodeId)?.type === 'trigger');
  const updateNode = useEditorStore((s) => s.updateNode);
  const step = useExecutionStore((s) => s.steps[nodeId]);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pin = (value: unknown) => updateNode(nodeId, { pinnedData: value }, 'pin');
  const lastOutput = step?.status === 'succeeded' ? step.output : undefined;

  const savePinText = () => {
    try {
      pin(JSON.parse(text ?? ''));
      setText(null);
      setError(null);
    } catch (err) {
      setError(`Not valid JSON: ${(err as Error).message}`);
    }
  };

  return (
    <section
      className="space-y-2 rounded-md border border-violet-200 bg-violet-50/40 p-3"
      aria-label="Pinned data"
      data-testid="pinned-data"
    >
      <h3 className="text-sm font-medium text-slate-800">Pinned data</h3>
      {pinned !== undefined ? (
        <>
          <p className="text-xs text-slate-600">
            {isTrigger
              ? 'Test runs start with this sample instead of a typed payload.'
              : 'Test runs use this output instead of running the step.'}{' '}
            Published runs ignore it.
          </p>
          <JsonView value={pinned} testId="pinned-data-value" />
        </>
      ) : (
        <p className="text-xs text-slate-600">
          Nothing pinned. Pin an output to test the next steps without running this one again.
        </p>
      )}
      {text !== null ? (
        <div className="space-y-1">
          <label className="text-xs text-slate-600" htmlFor={`pin-${nodeId}`}>
            Output as JSON
          </label>
          <textarea
            id={`pin-${nodeId}`}
            className={cx(inputClass, 'h-32 font-mono text-xs')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="pinned-data-input"
          />
          <InlineError message={error} className="text-xs" />
          <div className="flex gap-2">
            <Button
              size="sm"
              variant="primary"
              onClick={savePinText}
              data-testid="pinned-data-save"
            >
              Pin this JSON
            </Button>
            <Button size="sm" onClick={() => (setText(null), setError(null))}>
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <div className="flex flex-wrap gap-2">
          {lastOutput !== undefined && (
            <Button size="sm" onClick={() => pin(lastOutput)} data-testid="pin-last-output">
              Pin the last output
            </Button>
          )}
          <Button
            size="sm"
            onClick={() => setText(JSON.stringify(pinned ?? lastOutput ?? {}, null, 2))}
            data-testid="pinned-data-edit"
          >
            {pinned !== undefined ? 'Edit' : 'Type JSON to pin'}
          </Button>
          {pinned !== undefined && (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => pin(undefined)}
              data-testid="pinned-data-unpin"
            >
              Unpin
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
