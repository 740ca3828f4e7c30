import { useState, type FormEvent } from 'react';
import type { CreateCredentialConnectionRequest } from '@flowgenie/contracts';
import { Button } from '../../../components/Button';
import { InlineError } from '../../../components/InlineError';
import { inputClass, TextField } from '../../../components/TextField';
import { describeError, fieldErrors } from '../../../lib/api-client';
import { createCredentialConnection, startConnectionOAuth } from '../api';
import { browserWindow } from '../connect';
import { providerLabel } from '../providers';

type Kind = CreateCredentialConnectionRequest['provider'] | 'oauth2_authorization_code';

interface FieldSpec {
  key: string;
  label: string;
  secret?: boolean;
  optional?: boolean;
  placeholder?: string;
  hint?: string;
}

const FIELDS: Record<Kind, FieldSpec[]> = {
  http_bearer: [
    { key: 'token', label: 'Token', secret: true, hint: 'Sent as Authorization: Bearer <token>.' },
  ],
  http_header: [
    { key: 'headerName', label: 'Header name', placeholder: 'X-API-Key' },
    { key: 'value', label: 'Value', secret: true },
  ],
  http_query: [
    { key: 'parameter', label: 'Query parameter', placeholder: 'api_key' },
    { key: 'value', label: 'Value', secret: true },
  ],
  http_basic: [
    { key: 'username', label: 'Username' },
    { key: 'password', label: 'Password', secret: true },
  ],
  oauth2_client_credentials: [
    { key: 'tokenUrl', label: 'Token URL', placeholder: 'https://auth.example.com/oauth/token' },
    { key: 'clientId', label: 'Client id' },
    { key: 'clientSecret', label: 'Client secret', secret: true },
    { key: 'scope', label: 'Scope', optional: true, placeholder: 'read write' },
  ],
  oauth2_authorization_code: [
    {
      key: 'authorizationUrl',
      label: 'Authorization URL',
      placeholder: 'https://auth.example.com/oauth/authorize',
    },
    { key: 'tokenUrl', label: 'Token URL', placeholder: 'https://auth.example.com/oauth/token' },
    { key: 'clientId', label: 'Client id' },
    { key: 'clientSecret', label: 'Client secret', secret: true },
    { key: 'scope', label: 'Scope', optional: true },
  ],
};

const KINDS = Object.keys(FIELDS) as Kind[];

/**
 * Credentials for any HTTP API: a bearer token, an API key in a header or the query, basic auth,
 * or OAuth2 (client credentials, or authorization code through the provider's consent screen).
 * Secrets are write-only: the API never shows them again.
 */
export function CredentialForm({
  onCreated,
  redirectUri,
}: {
  onCreated: (name: string) => void;
  /** Shown for OAuth2 authorization code: the callback the provider must allow. */
  redirectUri: string;
}) {
  const [kind, setKind] = useState<Kind>('http_bearer');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = FIELDS[kind];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = 'Give the connection a name, e.g. "GitHub API".';
    for (const f of fields) {
      if (!f.optional && !values[f.key]?.trim()) missing[f.key] = `${f.label} is required.`;
    }
    setErrors(missing);
    setError(null);
    if (Object.keys(missing).length) return;
    const body: Record<string, string> = { provider: kind, name: name.trim() };
    for (const f of fields) {
      const v = f.secret ? values[f.key] : values[f.key]?.trim();
      if (v) body[f.key] = v;
    }
    setBusy(true);
    try {
      if (kind === 'oauth2_authorization_code') {
        browserWindow.assign(
          await startConnectionOAuth(body as Parameters<typeof startConnectionOAuth>[0]),
        );
        return;
      }
      await createCredentialConnection(body as CreateCredentialConnectionRequest);
      setValues({});
      setName('');
      onCreated(body.name);
    } catch (err) {
      const byField = fieldErrors(err);
      setErrors(byField);
      if (Object.keys(byField).length === 0) setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="credential-form"
      aria-label="Add credentials"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label
            htmlFor="credential-type"
            className="mb-1 block text-sm font-medium text-slate-700"
          >
            Type
          </label>
          <select
            id="credential-type"
            className={inputClass}
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setErrors({});
              setError(null);
            }}
            data-testid="credential-type"
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {providerLabel(k)}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label="Name"
          required
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          data-testid="credential-name"
        />
        {fields.map((f) => (
          <TextField
            key={`${kind}-${f.key}`}
            label={f.label}
            required={!f.optional}
            type={f.secret ? 'password' : 'text'}
            autoComplete={f.secret ? 'new-password' : 'off'}
            placeholder={f.placeholder}
            hint={f.hint}
            value={values[f.key] ?? ''}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            error={errors[f.key]}
            data-testid={`credential-${f.key}`}
          />
        ))}
      </div>
      {kind === 'oauth2_authorization_code' && (
        <p className="text-xs text-slate-500">
          Register <code className="rounded bg-slate-100 px-1">{redirectUri}</code> as the redirect
          URI with the provider; you will be sent to its consent screen.
        </p>
      )}
      <InlineError message={error} />
      <Button type="submit" variant="primary" loading={busy} data-testid="credential-submit">
        {kind === 'oauth2_authorization_code' ? 'Continue to the provider' : 'Save connection'}
      </Button>
    </form>
  );
}
