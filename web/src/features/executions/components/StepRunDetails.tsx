import type { ReactNode } from 'react';
import { JsonView } from '../../../components/JsonView';
import { StatusBadge } from '../../../components/StatusBadge';
import type { AttemptLogEntry, ExecutionStep } from '../../../lib/api-types';
import { formatDateTime, formatDuration } from '../../../lib/format';

function attemptError(e: AttemptLogEntry['error']): string | null {
  if (!e) return null;
  return typeof e === 'string' ? e : e.message;
}

function attemptDuration(a: AttemptLogEntry): number | null {
  if (!a.startedAt || !a.finishedAt) return null;
  return Date.parse(a.finishedAt) - Date.parse(a.startedAt);
}

function Section({
  title,
  children,
  open = true,
  testId,
}: {
  title: string;
  children: ReactNode;
  open?: boolean;
  testId?: string;
}) {
  return (
    <details open={open} className="group rounded-md border border-slate-200" data-testid={testId}>
      <summary className="cursor-pointer list-none px-3 py-2 text-sm font-medium text-slate-700 select-none hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500">
        <span
          aria-hidden="true"
          className="mr-1 inline-block text-slate-400 transition-transform group-open:rotate-90"
        >
          ▸
        </span>
        {title}
      </summary>
      <div className="border-t border-slate-100 p-2">{children}</div>
    </details>
  );
}

/** One step of one execution: state, error, input, output and every attempt with its timing. */
export function StepRunDetails({
  step,
  emptyText,
}: {
  step: ExecutionStep | undefined;
  emptyText?: string;
}) {
  if (!step) {
    return (
      <p className="text-sm text-slate-500">
        {emptyText ?? 'This step has not run in this execution.'}
      </p>
    );
  }
  const retrying = step.status === 'retrying';
  return (
    <div className="space-y-3" data-testid={`step-details-${step.nodeId}`}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <StatusBadge status={step.status}>
          {retrying ? `Retrying ${step.attempts}/${step.maxAttempts}` : undefined}
        </StatusBadge>
        <span className="text-slate-500">{formatDuration(step.durationMs)}</span>
        <span className="text-slate-500">
          {step.status === 'failed' && step.attempts < step.maxAttempts
            ? // refused for good: the remaining attempts were never going to help
              `Not retried (attempt ${step.attempts || 1} of ${step.maxAttempts} allowed)`
            : `Attempt ${step.attempts || 0} of ${step.maxAttempts || 1}`}
        </span>
        {step.handle && step.handle !== 'main' && (
          <span className="text-slate-500">
            took <strong className="font-medium text-slate-700">{step.handle}</strong>
          </span>
        )}
      </div>
      {step.error && (
        <div
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900"
          data-testid="step-error"
        >
          <p className="font-medium">What went wrong</p>
          <p className="mt-0.5 break-words whitespace-pre-wrap">{step.error.message}</p>
          {step.error.code && (
            <p className="mt-1 font-mono text-xs text-red-700">code: {step.error.code}</p>
          )}
        </div>
      )}
      <Section title="Input" open={false} testId="step-input">
        <JsonView value={step.input} />
      </Section>
      <Section title="Output" testId="step-output">
        {step.output === undefined || step.output === null ? (
          <p className="px-1 text-xs text-slate-400">No output.</p>
        ) : (
          <JsonView value={step.output} />
        )}
      </Section>
      {step.error && (
        <Section title="Error (raw)" open={false}>
          <JsonView value={step.error} />
        </Section>
      )}
      <Section
        title={`Attempts (${step.attemptLog?.length ?? 0})`}
        open={(step.attemptLog?.length ?? 0) > 1}
        testId="step-attempts"
      >
        {(step.attemptLog?.length ?? 0) === 0 ? (
          <p className="px-1 text-xs text-slate-400">No attempt recorded yet.</p>
        ) : (
          <table className="w-full text-xs">
            <thead className="text-left text-slate-400">
              <tr>
                <th className="py-1 pr-2 font-medium">#</th>
                <th className="py-1 pr-2 font-medium">Started</th>
                <th className="py-1 pr-2 font-medium">Took</th>
                <th className="py-1 font-medium">Result</th>
              </tr>
            </thead>
            <tbody>
              {step.attemptLog.map((a) => {
                const err = attemptError(a.error);
                return (
                  <tr key={a.attempt} className="border-t border-slate-100 align-top">
                    <td className="py-1 pr-2">{a.attempt}</td>
                    <td className="py-1 pr-2 whitespace-nowrap text-slate-600">
                      {formatDateTime(a.startedAt)}
                    </td>
                    <td className="py-1 pr-2 whitespace-nowrap text-slate-600">
                      {formatDuration(attemptDuration(a))}
                    </td>
                    <td className={err ? 'py-1 break-words text-red-700' : 'py-1 text-emerald-700'}>
                      {err ?? (a.finishedAt ? 'OK' : 'Running…')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Section>
      <p className="text-xs text-slate-400">
        Started {formatDateTime(step.startedAt)}
        {step.finishedAt ? ` · finished ${formatDateTime(step.finishedAt)}` : ''}
      </p>
    </div>
  );
}
