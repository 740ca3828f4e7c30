import { useEffect, useState } from 'react';
import { Button } from '../../../components/Button';
import { Dialog } from '../../../components/Dialog';
import { InlineError } from '../../../components/InlineError';
import { inputClass } from '../../../components/TextField';
import { localStore } from '../../../lib/local-store';
import { cx } from '../../../lib/cx';
import { useEditorStore } from '../store';

export const sampleKey = (workflowId: string) => `fg:sample:${workflowId}`;

/** A sensible first payload for the workflow's trigger. */
export function examplePayload(
  triggerType: string | undefined,
  config: Record<string, unknown> = {},
): unknown {
  if (triggerType === 'webhook') {
    return {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      body: { hello: 'world' },
    };
  }
  if (triggerType === 'schedule') {
    return {
      scheduledAt: new Date().toISOString(),
      timezone: (config.timezone as string) ?? 'UTC',
    };
  }
  if (triggerType === 'manual' && config.samplePayload !== undefined) return config.samplePayload;
  return {};
}

export function RunDialog({
  open,
  workflowId,
  onClose,
  onRun,
  starting,
  error,
}: {
  open: boolean;
  workflowId: string;
  onClose: () => void;
  onRun: (payload: unknown) => Promise<boolean>;
  starting: boolean;
  error: string | null;
}) {
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);

  const example = () => {
    const trigger = useEditorStore.getState().nodes.find((n) => n.type === 'trigger');
    // A pinned (or captured) trigger sample is the best example there is.
    const sample =
      trigger?.data.pinnedData ?? examplePayload(trigger?.data.nodeType, trigger?.data.config);
    return JSON.stringify(sample, null, 2);
  };

  useEffect(() => {
    if (!open) return;
    setParseError(null);
    setText(localStore.get<string>(sampleKey(workflowId)) ?? example());
  }, [open, workflowId]);

  const submit = async () => {
    let payload: unknown;
    try {
      payload = text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      setParseError(`This is not valid JSON: ${(err as Error).message}`);
      return;
    }
    setParseError(null);
    localStore.set(sampleKey(workflowId), text);
    if (await onRun(payload)) onClose();
  };

  const trigger = useEditorStore((s) => s.nodes.find((n) => n.type === 'trigger')?.data.nodeType);
  return (
    <Dialog
      open={open}
      title="Run once with a sample payload"
      onClose={onClose}
      testId="run-dialog"
      wide
    >
      <p className="mb-2 text-slate-600">
        Runs the current draft (it is saved first). The payload is what the trigger passes on as{' '}
        <code className="rounded bg-slate-100 px-1">trigger</code>
        {trigger === 'webhook' && (
          <>
            : for a webhook,{' '}
            <code className="rounded bg-slate-100 px-1">{'{ method, headers, query, body }'}</code>
          </>
        )}
        .
      </p>
      <label htmlFor="run-payload" className="sr-only">
        Sample payload (JSON)
      </label>
      <textarea
        id="run-payload"
        data-testid="run-payload"
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
        }}
        rows={12}
        aria-invalid={parseError ? true : undefined}
        aria-describedby="run-payload-error"
        className={cx(inputClass, 'font-mono text-xs', parseError && 'border-red-400')}
      />
      <InlineError id="run-payload-error" message={parseError ?? error} className="mt-2" />
      <div className="mt-4 flex items-center gap-2">
        <Button size="sm" variant="ghost" onClick={() => setText(example())}>
          Reset to example
        </Button>
        <span className="ml-auto text-xs text-slate-400">Ctrl+Enter runs</span>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="primary"
          onClick={() => void submit()}
          loading={starting}
          data-testid="run-submit"
        >
          Run
        </Button>
      </div>
    </Dialog>
  );
}
