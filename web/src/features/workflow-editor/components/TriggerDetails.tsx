import { useEffect, useState } from 'react';
import { CopyButton } from '../../../components/CopyButton';
import { InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { describeError } from '../../../lib/api-client';
import { nextFireTimes } from '../../workflows';
import { useEditorStore } from '../store';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A ready-to-paste curl call for a webhook. With an HMAC secret, the signature header
 * `X-FlowGenie-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` is computed
 * by the shell with openssl.
 */
export function curlExample(
  url: string,
  method: string,
  secret: string | null,
  body = '{"hello":"world"}',
): string {
  const isGet = method === 'GET';
  const lines: string[] = [];
  if (secret !== null) {
    lines.push(`SECRET=${shellQuote(secret)}`);
    lines.push(`BODY=${shellQuote(isGet ? '' : body)}`);
    lines.push('T=$(date +%s)');
    lines.push(
      `SIG=$(printf '%s' "$T.$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.*= //')`,
    );
    if (isGet) {
      lines.push(
        `curl ${shellQuote(`${url}?hello=world`)} \\\n  -H "X-FlowGenie-Signature: t=$T,v1=$SIG"`,
      );
    } else {
      lines.push(
        `curl -X POST ${shellQuote(url)} \\\n  -H 'Content-Type: application/json' \\\n  -H "X-FlowGenie-Signature: t=$T,v1=$SIG" \\\n  --data-binary "$BODY"`,
      );
    }
    return lines.join('\n');
  }
  if (isGet) return `curl ${shellQuote(`${url}?hello=world`)}`;
  return `curl -X POST ${shellQuote(url)} \\\n  -H 'Content-Type: application/json' \\\n  --data-binary ${shellQuote(body)}`;
}

export function WebhookDetails({ config }: { config: Record<string, unknown> }) {
  const hookPath = useEditorStore((s) => s.meta?.hookPath);
  const active = useEditorStore((s) => s.meta?.active ?? false);
  const changed = useEditorStore((s) => s.meta?.draftChangedSincePublish ?? false);
  const [fillSecret, setFillSecret] = useState(false);
  if (!hookPath) return null;
  const url = `${window.location.origin}${hookPath}`;
  const method = typeof config.method === 'string' ? config.method : 'POST';
  const secret =
    typeof config.hmacSecret === 'string' && config.hmacSecret ? config.hmacSecret : null;
  const curl = curlExample(
    url,
    method,
    secret === null ? null : fillSecret ? secret : 'paste the HMAC secret of this webhook',
  );
  return (
    <section
      aria-labelledby="webhook-url-title"
      className="space-y-2 rounded-md border border-amber-200 bg-amber-50/60 p-3"
      data-testid="webhook-details"
    >
      <h3 id="webhook-url-title" className="text-sm font-semibold text-slate-800">
        Webhook URL
      </h3>
      <div className="flex items-center gap-2">
        <code
          data-testid="webhook-url"
          className="min-w-0 flex-1 rounded border border-amber-200 bg-white px-2 py-1 font-mono text-xs break-all select-all"
        >
          {url}
        </code>
        <CopyButton text={url} testId="webhook-url-copy" />
      </div>
      <p className="text-xs text-slate-600">
        {active
          ? changed
            ? 'Active. It runs the active version: publish and activate to apply the changes in this draft.'
            : 'Active: calls to this URL start the workflow.'
          : 'Inactive: the URL answers 404 until you publish and activate the workflow.'}
      </p>
      <details className="text-xs">
        <summary className="cursor-pointer font-medium text-slate-700">Try it with curl</summary>
        <pre
          data-testid="webhook-curl"
          className="mt-2 overflow-x-auto rounded bg-slate-900 p-2 font-mono text-[11px] leading-4 text-slate-100"
        >
          {curl}
        </pre>
        <div className="mt-2 flex items-center gap-3">
          <CopyButton text={curl} label="Copy curl" testId="webhook-curl-copy" />
          {secret !== null && (
            <label className="flex items-center gap-1 text-slate-600">
              <input
                type="checkbox"
                checked={fillSecret}
                onChange={(e) => setFillSecret(e.target.checked)}
              />
              Fill in the secret
            </label>
          )}
        </div>
        {secret !== null && (
          <p className="mt-1 text-slate-500">
            The signature is an HMAC-SHA256 of “timestamp.body”, valid for 5 minutes.
          </p>
        )}
      </details>
    </section>
  );
}

function formatIn(iso: string, timeZone: string): string {
  const d = new Date(iso);
  try {
    return d.toLocaleString(undefined, {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    });
  } catch {
    return d.toLocaleString();
  }
}

export function ScheduleDetails({ config }: { config: Record<string, unknown> }) {
  const workflowId = useEditorStore((s) => s.workflowId);
  const savedRevision = useEditorStore((s) => s.savedRevision);
  const saveState = useEditorStore((s) => s.saveState);
  const [times, setTimes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const cron = typeof config.cron === 'string' ? config.cron : '';
  const tz = typeof config.timezone === 'string' && config.timezone ? config.timezone : 'UTC';
  const settled = saveState === 'saved';

  useEffect(() => {
    if (!workflowId || !cron.trim() || !settled) return;
    const ac = new AbortController();
    setLoading(true);
    setError(null);
    nextFireTimes(workflowId, 5, ac.signal)
      .then((r) => setTimes(r.nextFireTimes))
      .catch((err) => {
        if (!ac.signal.aborted) {
          setTimes(null);
          setError(describeError(err));
        }
      })
      .finally(() => {
        if (!ac.signal.aborted) setLoading(false);
      });
    return () => ac.abort();
  }, [workflowId, cron, tz, savedRevision, settled]);

  return (
    <section
      aria-labelledby="schedule-next-title"
      className="space-y-2 rounded-md border border-amber-200 bg-amber-50/60 p-3"
      data-testid="schedule-details"
    >
      <h3 id="schedule-next-title" className="text-sm font-semibold text-slate-800">
        Next runs
      </h3>
      {!cron.trim() && (
        <p className="text-xs text-slate-500">Enter a cron expression to see when it fires.</p>
      )}
      {cron.trim() && !settled && (
        <p className="text-xs text-slate-500">Shown once the draft is saved…</p>
      )}
      {loading && <Spinner className="h-3 w-3" />}
      <InlineError message={error} className="text-xs" />
      {times && !error && (
        <ol className="space-y-0.5 text-xs text-slate-700" data-testid="schedule-next-times">
          {times.map((t) => (
            <li key={t} className="font-mono">
              {formatIn(t, tz)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
