import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ConnectionProvider, ConnectionResponse } from '@flowgenie/contracts';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/Dialog';
import { Banner, InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { describeError } from '../../../lib/api-client';
import { cx } from '../../../lib/cx';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { toast } from '../../../stores/toasts';
import { deleteConnection } from '../api';
import { announceOutcome, connectByNavigating, takeReturnPath } from '../connect';
import {
  callbackErrorText,
  canReconnect,
  CONSENT_PROVIDERS,
  isBroken,
  providerLabel,
  statusText,
} from '../providers';
import { useConnectionsStore } from '../store';
import { CredentialForm } from './CredentialForm';
import { TableHead } from '../../../components/TableHead';
import { useConfirm } from '../../../components/useConfirm';

const STATUS_STYLE: Record<ConnectionResponse['status'], string> = {
  healthy: 'bg-emerald-100 text-emerald-800',
  expired: 'bg-amber-100 text-amber-800',
  revoked: 'bg-red-100 text-red-800',
  error: 'bg-red-100 text-red-800',
};

/** The OAuth callback lands here: `?connected=<id>` or `?error=<code>`. */
type Notice =
  | { kind: 'connected'; id: string; returnTo: string | null }
  | { kind: 'error'; message: string }
  | { kind: 'popup-done'; ok: boolean };

/**
 * Connections (account menu): the user's Google accounts, Slack workspaces and API credentials,
 * each with its status, account and last use; connect, reconnect and disconnect.
 */
export function ConnectionsPage() {
  const items = useConnectionsStore((s) => s.items);
  const status = useConnectionsStore((s) => s.status);
  const loadError = useConnectionsStore((s) => s.error);
  const fake = useConnectionsStore((s) => s.fake) === true;
  const load = useConnectionsStore((s) => s.load);
  const [params, setParams] = useSearchParams();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [showForm, setShowForm] = useState(false);
  const handled = useRef(false);

  useEffect(() => {
    void load(true);
  }, [load]);

  // Back from a consent screen: tell a waiting builder (this may be its popup), else show it here.
  useEffect(() => {
    if (handled.current) return;
    const connected = params.get('connected');
    const error = params.get('error');
    if (!connected && !error) return;
    handled.current = true;
    setParams({}, { replace: true });
    const fallback: Notice = connected
      ? { kind: 'connected', id: connected, returnTo: takeReturnPath() }
      : { kind: 'error', message: callbackErrorText(error!) };
    setNotice(fallback);
    void announceOutcome({ connected: connected ?? undefined, error: error ?? undefined }).then(
      (isPopup) => {
        if (!isPopup) return;
        setNotice({ kind: 'popup-done', ok: Boolean(connected) });
        window.close();
      },
    );
  }, [params, setParams]);

  const connect = async (provider: ConnectionProvider, reconnectId?: string) => {
    setStarting(reconnectId ?? provider);
    setStartError(null);
    try {
      await connectByNavigating(provider, { reconnectId });
    } catch (err) {
      setStartError(describeError(err));
    } finally {
      // usable again if the user comes back (Back button) instead of finishing on the provider
      setStarting(null);
    }
  };

  const remove = useConfirm(
    async (c: ConnectionResponse) => {
      await deleteConnection(c.id);
      toast.success(`Disconnected "${c.name}"`);
    },
    () => load(true),
  );

  const connectedOne =
    notice?.kind === 'connected' ? items?.find((c) => c.id === notice.id) : undefined;

  return (
    <div className="mx-auto max-w-4xl p-6">
      <h1 className="text-xl font-semibold">Connections</h1>
      <p className="mt-1 text-sm text-slate-600">
        Accounts and credentials your workflows use. Secrets are encrypted and never shown again;
        only your workflows can use your connections.
      </p>

      {notice && (
        <Banner
          kind={
            notice.kind === 'error' || (notice.kind === 'popup-done' && !notice.ok)
              ? 'error'
              : 'success'
          }
          className="mt-4"
          testId="connections-notice"
        >
          {notice.kind === 'connected' && (
            <p>
              Connected
              {connectedOne
                ? ` ${providerLabel(connectedOne.provider, fake)}: ${connectedOne.account ?? connectedOne.name}`
                : ''}
              .{' '}
              {notice.returnTo && (
                <Link to={notice.returnTo} className="font-medium underline">
                  Back to your workflow
                </Link>
              )}
            </p>
          )}
          {notice.kind === 'error' && <p>{notice.message}</p>}
          {notice.kind === 'popup-done' && (
            <p>
              {notice.ok ? 'Connected.' : 'Nothing was connected.'} You can close this window and go
              back to the builder.
            </p>
          )}
        </Banner>
      )}

      <section className="mt-6 space-y-3" aria-labelledby="connect-title">
        <h2 id="connect-title" className="text-sm font-semibold text-slate-800">
          Connect an account
        </h2>
        <div className="flex flex-wrap gap-2">
          {CONSENT_PROVIDERS.map((p) => (
            <Button
              key={p}
              variant="primary"
              loading={starting === p}
              disabled={starting !== null}
              onClick={() => void connect(p)}
              data-testid={`connect-${p}`}
            >
              Connect {providerLabel(p, fake)}
            </Button>
          ))}
          <Button
            onClick={() => setShowForm(!showForm)}
            aria-expanded={showForm}
            data-testid="credential-toggle"
          >
            Add credentials for an HTTP API
          </Button>
        </div>
        {fake && (
          <p className="text-xs text-amber-800" data-testid="fake-providers-note">
            Google and Slack are local fakes here (FAKE_PROVIDERS=1): nothing reaches the real
            services.
          </p>
        )}
        <InlineError message={startError} />
        {showForm && (
          <CredentialForm
            redirectUri={`${window.location.origin}/api/connections/oauth/callback`}
            onCreated={(name) => {
              toast.success(`Saved "${name}"`);
              setShowForm(false);
              void load(true);
            }}
          />
        )}
      </section>

      <section className="mt-8" aria-labelledby="list-title">
        <h2 id="list-title" className="mb-2 text-sm font-semibold text-slate-800">
          Your connections
        </h2>
        {status === 'error' && (
          <div className="flex items-center gap-3">
            <InlineError message={loadError} />
            <Button size="sm" onClick={() => void load(true)}>
              Retry
            </Button>
          </div>
        )}
        {!items && status !== 'error' && <Spinner label="Loading connections…" />}
        {items && items.length === 0 && (
          <p className="text-sm text-slate-500" data-testid="connections-empty">
            No connections yet. Connect Google or Slack, or add credentials, to use them in steps.
          </p>
        )}
        {items && items.length > 0 && (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm" data-testid="connections-table">
              <TableHead
                columns={['Name', 'Provider', 'Account', 'Status', 'Last used']}
                actions
                dense
              />
              <tbody>
                {items.map((c) => (
                  <tr
                    key={c.id}
                    className="border-t border-slate-100 align-top"
                    data-testid={`connection-row-${c.id}`}
                    data-provider={c.provider}
                    data-status={c.status}
                  >
                    <td className="px-3 py-2 font-medium">{c.name}</td>
                    <td className="px-3 py-2 text-slate-600">{providerLabel(c.provider, fake)}</td>
                    <td className="px-3 py-2 text-slate-600">{c.account ?? '—'}</td>
                    <td className="px-3 py-2">
                      <span
                        className={cx(
                          'inline-block rounded-full px-2 py-0.5 text-xs font-medium',
                          STATUS_STYLE[c.status],
                        )}
                        data-testid={`connection-status-${c.id}`}
                      >
                        {statusText(c)}
                      </span>
                      {isBroken(c) && c.statusReason && (
                        <p className="mt-1 max-w-xs text-xs text-red-800">{c.statusReason}</p>
                      )}
                    </td>
                    <td className="px-3 py-2 text-slate-600" title={formatDateTime(c.lastUsedAt)}>
                      {c.lastUsedAt ? formatRelative(c.lastUsedAt) : 'Never'}
                    </td>
                    <td className="px-3 py-2 text-right whitespace-nowrap">
                      {isBroken(c) && canReconnect(c) && (
                        <Button
                          size="sm"
                          variant="primary"
                          loading={starting === c.id}
                          disabled={starting !== null}
                          onClick={() => void connect(c.provider, c.id)}
                          aria-label={`Reconnect ${c.name}`}
                          data-testid={`connection-reconnect-${c.id}`}
                        >
                          Reconnect
                        </Button>
                      )}
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-700"
                        onClick={() => remove.ask(c)}
                        aria-label={`Disconnect ${c.name}`}
                        data-testid={`connection-disconnect-${c.id}`}
                      >
                        Disconnect
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <ConfirmDialog
        {...remove.dialog}
        title="Disconnect?"
        message={
          <>
            Steps using <strong>{remove.target?.name}</strong> will fail until you choose another
            connection. Where the provider allows it, the grant is revoked there too.
          </>
        }
        confirmLabel="Disconnect"
        danger
      />
    </div>
  );
}
