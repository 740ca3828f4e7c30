import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionProvider, ConnectionResponse } from '@flowgenie/contracts';
import { Button } from '../../../components/Button';
import { Banner, InlineError } from '../../../components/InlineError';
import type { ConnectionWidgetProps } from '../../../components/schema-form';
import { Spinner } from '../../../components/Spinner';
import { inputClass } from '../../../components/TextField';
import { cx } from '../../../lib/cx';
import { toast } from '../../../stores/toasts';
import { connectInPopup, type PopupConnect } from '../connect';
import {
  brokenText,
  canReconnect,
  isBroken,
  isConsentProvider,
  missingScopes,
  providerLabel,
  statusText,
} from '../providers';
import { useConnectionsStore } from '../store';

function optionLabel(c: ConnectionResponse, fake: boolean): string {
  const account = c.account && c.account !== c.name ? ` · ${c.account}` : '';
  const broken = isBroken(c) ? ` (${statusText(c).toLowerCase()})` : '';
  return `${c.name}${account} — ${providerLabel(c.provider, fake)}${broken}`;
}

/**
 * The input of a connection field (`x-connection`): the user's connections of the field's
 * providers, "Connect …" buttons that run the consent screen in a popup and select the new
 * connection, and, when the chosen one is revoked, expired or lacks a scope, what is wrong with a
 * Reconnect button.
 */
export function ConnectionPicker({
  id,
  value,
  onValue,
  annotation,
  required,
  invalid,
  describedBy,
}: ConnectionWidgetProps) {
  const items = useConnectionsStore((s) => s.items);
  const status = useConnectionsStore((s) => s.status);
  const loadError = useConnectionsStore((s) => s.error);
  const fake = useConnectionsStore((s) => s.fake) === true;
  const load = useConnectionsStore((s) => s.load);
  const [waiting, setWaiting] = useState<{ flow: PopupConnect; what: string } | null>(null);
  const [connectError, setConnectError] = useState<string | null>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    void load();
    // Back from another tab (e.g. credentials added on the Connections page): show them.
    const onFocus = () => void load(true);
    window.addEventListener('focus', onFocus);
    return () => {
      mounted.current = false;
      window.removeEventListener('focus', onFocus);
    };
  }, [load]);

  const providers = annotation.providers;
  const mine = (items ?? []).filter((c) => providers.includes(c.provider));
  const selected = value ? mine.find((c) => c.id === value) : undefined;
  const unknown = Boolean(value) && status === 'ready' && !selected;
  const lacking = selected ? missingScopes(selected, annotation.scopes) : [];
  const consent = providers.filter(isConsentProvider);
  const credentials = providers.some((p) => !isConsentProvider(p));

  const connect = useCallback(
    (provider: ConnectionProvider, reconnectId?: string) => {
      setConnectError(null);
      const flow = connectInPopup(provider, {
        reconnectId,
        returnTo: window.location.pathname + window.location.search,
      });
      setWaiting({ flow, what: providerLabel(provider, fake) });
      void flow.outcome.then(async (o) => {
        if (!mounted.current) return;
        setWaiting(null);
        if (o.kind === 'connected') {
          await load(true);
          onValue(o.id);
          toast.success(reconnectId ? 'Reconnected' : `Connected ${providerLabel(provider, fake)}`);
        } else if (o.kind === 'error') {
          setConnectError(o.message);
        }
      });
    },
    [fake, load, onValue],
  );

  return (
    <div className="space-y-2" data-testid="connection-picker">
      <div className="flex items-center gap-1">
        <select
          id={id}
          className={cx(inputClass, 'min-w-0 flex-1', (invalid || unknown) && 'border-red-400')}
          value={value ?? ''}
          onChange={(e) => onValue(e.target.value === '' ? undefined : e.target.value)}
          aria-invalid={invalid || unknown || undefined}
          aria-describedby={describedBy}
          aria-required={required || undefined}
          data-testid="connection-select"
        >
          <option value="">
            {status === 'loading' && !items
              ? 'Loading connections…'
              : mine.length === 0
                ? 'No connection yet: connect one below'
                : required
                  ? 'Choose a connection…'
                  : '(none)'}
          </option>
          {mine.map((c) => (
            <option key={c.id} value={c.id}>
              {optionLabel(c, fake)}
            </option>
          ))}
          {unknown && <option value={value}>Unknown connection</option>}
        </select>
        <button
          type="button"
          className="rounded px-2 py-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
          aria-label="Reload connections"
          title="Reload connections"
          onClick={() => void load(true)}
          data-testid="connections-refresh"
        >
          ↻
        </button>
      </div>

      {status === 'loading' && !items && <Spinner label="Loading connections…" />}
      {status === 'error' && (
        <div className="flex items-center gap-2">
          <InlineError message={`Could not load your connections: ${loadError}`} />
          <Button size="sm" onClick={() => void load(true)}>
            Retry
          </Button>
        </div>
      )}

      {unknown && (
        <Banner kind="error" testId="connection-unknown">
          This connection no longer exists (it was disconnected). Choose another one.
        </Banner>
      )}

      {selected && isBroken(selected) && (
        <Banner kind="error" testId="connection-broken">
          <p>{brokenText(selected)} Steps using it fail until it is reconnected.</p>
          {canReconnect(selected) && (
            <Button
              size="sm"
              variant="primary"
              className="mt-2"
              disabled={waiting !== null}
              onClick={() => connect(selected.provider, selected.id)}
              data-testid="connection-reconnect"
            >
              Reconnect {providerLabel(selected.provider, fake)}
            </Button>
          )}
        </Banner>
      )}

      {selected && !isBroken(selected) && lacking.length > 0 && (
        <Banner kind="warning" testId="connection-missing-scopes">
          <p>This connection was not granted what this step needs: {lacking.join(', ')}.</p>
          {canReconnect(selected) && (
            <Button
              size="sm"
              className="mt-2"
              disabled={waiting !== null}
              onClick={() => connect(selected.provider, selected.id)}
              data-testid="connection-reconnect"
            >
              Reconnect to grant it
            </Button>
          )}
        </Banner>
      )}

      {waiting ? (
        <div
          className="flex items-center gap-2 text-sm text-slate-600"
          role="status"
          data-testid="connect-waiting"
        >
          <Spinner />
          <span>Finish connecting {waiting.what} in the window that opened…</span>
          <Button size="sm" variant="ghost" onClick={() => waiting.flow.cancel()}>
            Cancel
          </Button>
        </div>
      ) : (
        (consent.length > 0 || credentials) && (
          <div className="flex flex-wrap items-center gap-2">
            {consent.map((p) => (
              <Button key={p} size="sm" onClick={() => connect(p)} data-testid={`connect-new-${p}`}>
                Connect new {providerLabel(p, fake)}…
              </Button>
            ))}
            {credentials && (
              <a
                href="/connections"
                target="_blank"
                rel="noopener"
                className="text-sm text-indigo-700 underline hover:text-indigo-900"
              >
                Add credentials…
              </a>
            )}
          </div>
        )
      )}
      <InlineError message={connectError} />
    </div>
  );
}
