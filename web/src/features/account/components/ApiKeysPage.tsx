import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { CopyButton } from '../../../components/CopyButton';
import { ConfirmDialog } from '../../../components/Dialog';
import { Banner, InlineError } from '../../../components/InlineError';
import { Spinner } from '../../../components/Spinner';
import { TextField } from '../../../components/TextField';
import { describeError, fieldErrors } from '../../../lib/api-client';
import type { ApiKey, CreatedApiKey } from '../../../lib/api-types';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { toast } from '../../../stores/toasts';
import { createApiKey, listApiKeys, revokeApiKey } from '../api';
import { TableHead } from '../../../components/TableHead';
import { useConfirm } from '../../../components/useConfirm';

export function ApiKeysPage() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setKeys(await listApiKeys());
    } catch (err) {
      setLoadError(describeError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setCreateError('Give the key a name, e.g. "deploy script".');
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      const key = await createApiKey(name.trim());
      setCreated(key);
      setName('');
      await load();
    } catch (err) {
      setCreateError(fieldErrors(err).name ?? describeError(err));
    } finally {
      setCreating(false);
    }
  };

  const revoke = useConfirm(
    async (k: ApiKey) => {
      await revokeApiKey(k.id);
      toast.success(`Revoked "${k.name}"`);
    },
    () => load(),
  );

  return (
    <div className="mx-auto max-w-3xl p-6">
      <h1 className="text-xl font-semibold">API keys</h1>
      <p className="mt-1 text-sm text-slate-600">
        Scripts exchange a key for an access token with{' '}
        <code className="rounded bg-slate-100 px-1">POST /api/auth/token</code>. A key is shown
        once, when you create it.
      </p>

      <form
        onSubmit={create}
        className="mt-6 flex items-end gap-2 rounded-lg border border-slate-200 bg-white p-4"
        noValidate
      >
        <TextField
          label="New key name"
          className="flex-1"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={createError}
          maxLength={100}
          data-testid="api-key-name"
        />
        <Button
          type="submit"
          variant="primary"
          loading={creating}
          data-testid="api-key-create"
          className={createError ? 'mb-6' : ''}
        >
          Create key
        </Button>
      </form>

      {created && (
        <Banner kind="success" className="mt-4" testId="api-key-created">
          <p className="font-medium">
            Key “{created.name}” created. Copy it now: it will not be shown again.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code
              data-testid="api-key-value"
              className="flex-1 rounded border border-emerald-200 bg-white px-2 py-1 font-mono text-xs break-all select-all"
            >
              {created.key}
            </code>
            <CopyButton text={created.key} testId="api-key-copy" />
            <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </Banner>
      )}

      <section className="mt-6" aria-labelledby="keys-title">
        <h2 id="keys-title" className="sr-only">
          Your keys
        </h2>
        {loadError && (
          <div className="flex items-center gap-3">
            <InlineError message={loadError} />
            <Button size="sm" onClick={() => void load()}>
              Retry
            </Button>
          </div>
        )}
        {!keys && !loadError && <Spinner label="Loading keys…" />}
        {keys && keys.length === 0 && <p className="text-sm text-slate-500">No API keys yet.</p>}
        {keys && keys.length > 0 && (
          <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-sm" data-testid="api-keys-table">
              <TableHead columns={['Name', 'Key', 'Created', 'Last used']} actions dense />
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} className="border-t border-slate-100">
                    <td className="px-3 py-2 font-medium">{k.name}</td>
                    <td className="px-3 py-2 font-mono text-xs text-slate-600">{k.prefix}…</td>
                    <td className="px-3 py-2 text-slate-600">{formatDateTime(k.createdAt)}</td>
                    <td className="px-3 py-2 text-slate-600">
                      {k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'Never'}
                    </td>
                    <td className="px-3 py-2 text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-red-700"
                        onClick={() => revoke.ask(k)}
                        aria-label={`Revoke ${k.name}`}
                      >
                        Revoke
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
        {...revoke.dialog}
        title="Revoke API key?"
        message={
          <>
            Scripts using <strong>{revoke.target?.name}</strong> will stop working at once. This
            cannot be undone.
          </>
        }
        confirmLabel="Revoke key"
        danger
      />
    </div>
  );
}
