import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { browserWindow } from '../connect';
import { aConnection, fakeApi } from '../testing';
import { ConnectionsPage } from './ConnectionsPage';

const GOOGLE = '11111111-1111-4111-8111-111111111111';
const SLACK = '22222222-2222-4222-8222-222222222222';
const TOKEN = '44444444-4444-4444-8444-444444444444';
const OAUTH = '55555555-5555-4555-8555-555555555555';
const google = aConnection({
  id: GOOGLE,
  scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  lastUsedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
});
const slackRevoked = aConnection({
  id: SLACK,
  provider: 'slack',
  name: 'Acme (T0ACME)',
  account: 'Acme (T0ACME)',
  status: 'revoked',
  statusReason: 'token_revoked: the app was uninstalled',
});
const token = aConnection({
  id: TOKEN,
  provider: 'http_bearer',
  name: 'GitHub API',
  account: null,
  status: 'expired',
  statusReason: 'The API answered 401',
});

const oauth2 = aConnection({
  id: OAUTH,
  provider: 'oauth2_authorization_code',
  name: 'CRM',
  account: 'crm.example.com',
  status: 'expired',
  statusReason: 'refresh refused: invalid_grant',
});

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.pathname + l.search}</output>;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route
          path="/connections"
          element={
            <>
              <ConnectionsPage />
              <Where />
            </>
          }
        />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('the Connections page', () => {
  it('lists each connection with its provider, account, status, reason and last use', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [google, slackRevoked, token, oauth2] } }),
      'GET /api/auth/google/config': () => ({ body: { enabled: true, fake: true } }),
    });
    renderAt('/connections');
    const row = await screen.findByTestId(`connection-row-${GOOGLE}`);
    expect(row).toHaveAttribute('data-status', 'healthy');
    await waitFor(() => expect(row).toHaveTextContent('Google (fake)'));
    expect(row).toHaveTextContent('alice@example.com');
    expect(row).toHaveTextContent('Healthy');
    expect(row).toHaveTextContent('5 min ago');
    expect(within(row).queryByRole('button', { name: /Reconnect/ })).toBeNull();

    const slack = screen.getByTestId(`connection-row-${SLACK}`);
    expect(slack).toHaveTextContent('Slack (fake)');
    expect(slack).toHaveTextContent('Revoked');
    expect(slack).toHaveTextContent('token_revoked: the app was uninstalled');
    expect(slack).toHaveTextContent('Never');
    expect(within(slack).getByRole('button', { name: 'Reconnect Acme (T0ACME)' })).toBeVisible();

    // credentials cannot go through a consent screen: typed again, not reconnected
    const bearer = screen.getByTestId(`connection-row-${TOKEN}`);
    expect(bearer).toHaveTextContent('Bearer token');
    expect(bearer).toHaveTextContent('Expired');
    expect(within(bearer).queryByRole('button', { name: /Reconnect/ })).toBeNull();
    // a generic OAuth2 connection goes through its provider's consent again, with its stored client
    const crm = screen.getByTestId(`connection-row-${OAUTH}`);
    expect(crm).toHaveTextContent('OAuth2 authorization code');
    expect(crm).toHaveTextContent('refresh refused: invalid_grant');
    expect(within(crm).getByRole('button', { name: 'Reconnect CRM' })).toBeVisible();
    expect(screen.getByTestId('fake-providers-note')).toBeVisible();
    expect(screen.getByTestId('connect-google')).toHaveTextContent('Connect Google (fake)');
  });

  it('says so when there is nothing yet, and when the list cannot load', async () => {
    let fail = true;
    fakeApi({
      'GET /api/connections': () =>
        fail
          ? { status: 503, body: { error: { code: 'unavailable', message: 'Auth is down.' } } }
          : { body: { items: [] } },
    });
    renderAt('/connections');
    await screen.findByText('Auth is down.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByTestId('connections-empty');
    expect(screen.getByTestId('connect-slack')).toHaveTextContent(/^Connect Slack$/);
  });

  it('sends the browser to the consent screen to connect or reconnect', async () => {
    const { calls } = fakeApi({
      'GET /api/connections': () => ({ body: { items: [slackRevoked] } }),
      'POST /api/connections/oauth/start': () => ({
        body: { authorizeUrl: 'https://accounts.example/o/oauth2/v2/auth?state=s' },
      }),
    });
    const assign = vi.spyOn(browserWindow, 'assign').mockImplementation(() => undefined);
    renderAt('/connections');
    await userEvent.click(await screen.findByTestId('connect-google'));
    await waitFor(() =>
      expect(assign).toHaveBeenCalledWith('https://accounts.example/o/oauth2/v2/auth?state=s'),
    );
    await userEvent.click(screen.getByTestId(`connection-reconnect-${SLACK}`));
    await waitFor(() => expect(assign).toHaveBeenCalledTimes(2));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { provider: 'google' },
      { provider: 'slack', reconnectId: SLACK },
    ]);
  });

  it('disconnects after a confirmation, and not before', async () => {
    let items = [google, slackRevoked];
    const { calls } = fakeApi({
      'GET /api/connections': () => ({ body: { items } }),
      [`DELETE /api/connections/${SLACK}`]: () => {
        items = [google];
        return { status: 204 };
      },
    });
    renderAt('/connections');
    await userEvent.click(await screen.findByTestId(`connection-disconnect-${SLACK}`));
    const dialog = screen.getByTestId('confirm-dialog');
    expect(dialog).toHaveTextContent('Steps using Acme (T0ACME) will fail');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByTestId(`connection-disconnect-${SLACK}`));
    await userEvent.click(screen.getByTestId('confirm-button'));
    await waitFor(() => expect(screen.queryByTestId(`connection-row-${SLACK}`)).toBeNull());
    expect(screen.getByTestId(`connection-row-${GOOGLE}`)).toBeVisible();
  });

  it('shows what the consent screen did when the callback comes back', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [google] } }),
      'GET /api/auth/google/config': () => ({ body: { enabled: true, fake: true } }),
    });
    renderAt(`/connections?connected=${GOOGLE}`);
    await waitFor(() =>
      expect(screen.getByTestId('connections-notice')).toHaveTextContent(
        'Connected Google (fake): alice@example.com.',
      ),
    );
    // the message is shown once: a reload does not repeat it
    expect(screen.getByTestId('where')).toHaveTextContent(/^\/connections$/);
  });

  it('explains a refused or cancelled consent', async () => {
    fakeApi({ 'GET /api/connections': () => ({ body: { items: [] } }) });
    renderAt('/connections?error=access_denied');
    expect(await screen.findByTestId('connections-notice')).toHaveTextContent(
      'You cancelled on the consent screen: nothing was connected.',
    );
  });

  it('saves credentials, checking the fields first and showing where the API objected', async () => {
    let items: ReturnType<typeof aConnection>[] = [];
    const { calls } = fakeApi({
      'GET /api/connections': () => ({ body: { items } }),
      'POST /api/connections': ({ body }) => {
        const b = body as { headerName?: string; name: string };
        if (b.headerName === 'Bad Header')
          return {
            status: 400,
            body: {
              error: {
                code: 'validation_failed',
                message: 'invalid request',
                details: [{ path: 'headerName', message: 'must be an HTTP header name' }],
              },
            },
          };
        items = [aConnection({ id: TOKEN, provider: 'http_header', name: b.name, account: null })];
        return { status: 201, body: items[0] };
      },
    });
    renderAt('/connections');
    await userEvent.click(await screen.findByTestId('credential-toggle'));
    await userEvent.selectOptions(screen.getByTestId('credential-type'), 'http_header');
    await userEvent.click(screen.getByTestId('credential-submit'));
    expect(screen.getByText('Give the connection a name, e.g. "GitHub API".')).toBeVisible();
    expect(screen.getByText('Header name is required.')).toBeVisible();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await userEvent.type(screen.getByTestId('credential-name'), 'Weather API');
    await userEvent.type(screen.getByTestId('credential-headerName'), 'Bad Header');
    await userEvent.type(screen.getByTestId('credential-value'), 's3cret');
    await userEvent.click(screen.getByTestId('credential-submit'));
    await screen.findByText('must be an HTTP header name');
    expect(screen.getByTestId('credential-value')).toHaveAttribute('type', 'password');

    await userEvent.clear(screen.getByTestId('credential-headerName'));
    await userEvent.type(screen.getByTestId('credential-headerName'), 'X-API-Key');
    await userEvent.click(screen.getByTestId('credential-submit'));
    await screen.findByTestId(`connection-row-${TOKEN}`);
    expect(calls.filter((c) => c.method === 'POST').at(-1)?.body).toEqual({
      provider: 'http_header',
      name: 'Weather API',
      headerName: 'X-API-Key',
      value: 's3cret',
    });
    expect(screen.queryByTestId('credential-form')).toBeNull();
  });
});
