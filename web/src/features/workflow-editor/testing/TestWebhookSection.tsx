import { useEffect, useRef, useState } from 'react';
import type { TestWebhookListener } from '@flowgenie/contracts';
import { Button } from '../../../components/Button';
import { CopyButton } from '../../../components/CopyButton';
import { InlineError } from '../../../components/InlineError';
import { JsonView } from '../../../components/JsonView';
import { Spinner } from '../../../components/Spinner';
import { describeError } from '../../../lib/api-client';
import { useExecutionStore } from '../../executions';
import { useEditorStore } from '../store';
import { getTestWebhook, startTestWebhook, stopTestWebhook } from './api';
import { useTestRunner } from './context';

const POLL_MS = 1000;

/**
 * "Listen for test event" on a webhook trigger: a test URL (not the production one, working on
 * the unsaved-to-production draft) that captures one real call; the builder waits visibly, can
 * stop, and shows the captured request as the trigger's sample, ready to pin.
 */
export function TestWebhookSection({ nodeId }: { nodeId: string }) {
  const workflowId = useEditorStore((s) => s.workflowId);
  const updateNode = useEditorStore((s) => s.updateNode);
  const runner = useTestRunner();
  const [runToo, setRunToo] = useState(false);
  const [listener, setListener] = useState<TestWebhookListener | null>(null);
  const [error, setError] = useState<string | null>(null);
  const waiting = listener?.status === 'waiting';

  // Poll while waiting; stop when the panel closes.
  useEffect(() => {
    if (!waiting || !workflowId || !listener) return;
    let stopped = false;
    const timer = setInterval(() => {
      getTestWebhook(workflowId, listener.listenerId)
        .then((next) => {
          if (stopped || next.status === 'waiting') return;
          setListener(next);
          if (next.executionId && runner) {
            useExecutionStore.getState().clear();
            void runner.watch(next.executionId);
          }
        })
        .catch((err) => !stopped && setError(describeError(err)));
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [waiting, workflowId, listener, runner]);

  // Closing the panel while the listener waits stops it on the server too: its test URL stops
  // answering rather than capturing a call nobody is watching for.
  const open = useRef<{ workflowId: string; listenerId: string } | null>(null);
  open.current =
    waiting && workflowId && listener ? { workflowId, listenerId: listener.listenerId } : null;
  useEffect(
    () => () => {
      const left = open.current;
      if (left) void stopTestWebhook(left.workflowId, left.listenerId).catch(() => undefined);
    },
    [],
  );

  if (!workflowId) return null;
  const listen = async () => {
    setError(null);
    try {
      setListener(await startTestWebhook(workflowId, runToo));
    } catch (err) {
      setError(describeError(err));
    }
  };
  const cancel = async () => {
    if (listener) await stopTestWebhook(workflowId, listener.listenerId).catch(() => undefined);
    setListener(null);
  };
  const curl = listener
    ? `curl -X POST '${listener.testUrl}' -H 'content-type: application/json' -d '{"hello":"world"}'`
    : '';

  return (
    <section
      className="space-y-2 rounded-md border border-amber-200 bg-amber-50/40 p-3"
      aria-label="Test event"
      data-testid="test-webhook"
    >
      <h3 className="text-sm font-medium text-slate-800">Test event</h3>
      {waiting ? (
        <div className="space-y-2" data-testid="test-webhook-waiting">
          <Spinner label="Waiting for a call to the test URL…" />
          <p className="text-xs text-slate-600">
            Call this URL once (any method) before{' '}
            {new Date(listener.expiresAt).toLocaleTimeString()}. It is not the production URL and
            works without publishing.
          </p>
          <div className="flex items-center gap-2">
            <code
              className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono text-xs"
              data-testid="test-webhook-url"
            >
              {listener.testUrl}
            </code>
            <CopyButton text={listener.testUrl} label="Copy URL" />
          </div>
          <div className="flex items-center gap-2">
            <CopyButton text={curl} label="Copy curl" />
            <Button
              size="sm"
              variant="ghost"
              onClick={() => void cancel()}
              data-testid="test-webhook-cancel"
            >
              Stop listening
            </Button>
          </div>
        </div>
      ) : (
        <div className="space-y-2">
          {listener?.status === 'expired' && (
            <p className="text-xs text-amber-800" data-testid="test-webhook-expired">
              No call arrived before the test URL expired. Listen again to get a new one.
            </p>
          )}
          {listener?.status === 'captured' && (
            <div className="space-y-2" data-testid="test-webhook-captured">
              <p className="text-xs text-emerald-800">
                Call received
                {listener.executionId ? ': the draft is running with it.' : '.'} This is what the
                workflow sees as <code className="font-mono">trigger</code>:
              </p>
              <JsonView value={listener.sample} defaultOpenDepth={2} testId="test-webhook-sample" />
              {listener.runError && (
                <InlineError message={`The test run did not start: ${listener.runError}`} />
              )}
              <div className="flex gap-2">
                <Button
                  size="sm"
                  variant="primary"
                  onClick={() => updateNode(nodeId, { pinnedData: listener.sample }, 'pin')}
                  data-testid="test-webhook-pin"
                >
                  Pin as the trigger’s sample
                </Button>
                {runner && !listener.executionId && (
                  <Button
                    size="sm"
                    disabled={runner.starting}
                    onClick={() => void runner.run(listener.sample)}
                  >
                    Run the workflow with it
                  </Button>
                )}
              </div>
            </div>
          )}
          <div className="flex items-center gap-3">
            <Button size="sm" onClick={() => void listen()} data-testid="test-webhook-listen">
              Listen for test event
            </Button>
            <label className="flex items-center gap-1 text-xs text-slate-600">
              <input
                type="checkbox"
                checked={runToo}
                onChange={(e) => setRunToo(e.target.checked)}
                data-testid="test-webhook-run"
              />
              and run the workflow with it
            </label>
          </div>
        </div>
      )}
      <InlineError message={error} className="text-xs" />
    </section>
  );
}
