import { afterEach, describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SchemaForm } from '../../../components/schema-form';
import type { JsonSchema } from '../../../lib/api-types';
import { browserWindow, CONNECT_CHANNEL } from '../connect';
import { aConnection, fakeApi } from '../testing';
import { ConnectionPicker } from './ConnectionPicker';
import { OptionsSelect } from './OptionsSelect';

// A node type's config schema as the catalog serves it (slack_post_message).
const slackPost: JsonSchema = {
  type: 'object',
  properties: {
    connectionId: {
      type: 'string',
      format: 'uuid',
      title: 'Connection',
      'x-connection': { providers: ['slack'], scopes: ['chat:write'] },
    },
    channel: {
      type: 'string',
      title: 'Channel',
      'x-options': { source: 'slack.channels', connectionField: 'connectionId' },
    },
    text: { type: 'string', title: 'Text' },
  },
  required: ['connectionId', 'channel', 'text'],
};

const SLACK = '22222222-2222-4222-8222-222222222222';
const SLACK_NEW = '33333333-3333-4333-8333-333333333333';
const GOOGLE = '11111111-1111-4111-8111-111111111111';
const slack = (over = {}) =>
  aConnection({
    id: SLACK,
    provider: 'slack',
    name: 'Acme (T0ACME)',
    account: 'Acme (T0ACME)',
    scopes: ['chat:write', 'channels:read'],
    ...over,
  });
const google = aConnection({ id: GOOGLE });
const channels = {
  items: [
    { value: 'C0GENERAL', label: '#general' },
    { value: 'C0ALERTS', label: '#alerts' },
  ],
};

function Form({ initial = {} }: { initial?: Record<string, unknown> }) {
  const [value, setValue] = useState<Record<string, unknown>>(initial);
  return (
    <>
      <SchemaForm
        schema={slackPost}
        value={value}
        onChange={(next) => setValue(next)}
        idPrefix="cfg"
        widgets={{ Connection: ConnectionPicker, Options: OptionsSelect }}
      />
      <output data-testid="value">{JSON.stringify(value)}</output>
    </>
  );
}

const value = () => JSON.parse(screen.getByTestId('value').textContent ?? '{}');
const connectionSelect = () =>
  screen.getByRole('combobox', { name: /^Connection/ }) as HTMLSelectElement;
const channelSelect = () =>
  screen.getByRole('combobox', { name: /^Channel ?\(required\)$/ }) as HTMLSelectElement;

/** Plays the consent popup: the Connections page it lands on announces the outcome. */
function popupReports(outcome: { connected?: string; error?: string }): Promise<boolean> {
  const bc = new BroadcastChannel(CONNECT_CHANNEL);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      bc.close();
      resolve(false);
    }, 1000);
    bc.onmessage = (e: MessageEvent) => {
      if (e.data?.type !== 'ack') return;
      clearTimeout(timer);
      bc.close();
      resolve(true);
    };
    bc.postMessage({ type: 'outcome', nonce: 'n1', ...outcome });
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('the connection picker in a node form', () => {
  it("lists only the user's connections of the field's providers, labelled fake when they are", async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [google, slack()] } }),
      'GET /api/auth/google/config': () => ({ body: { enabled: true, fake: true } }),
    });
    render(<Form />);
    await screen.findByRole('option', { name: /Acme/ });
    const names = within(connectionSelect())
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(names).toEqual(['Choose a connection…', 'Acme (T0ACME) — Slack (fake)']);
    expect(screen.getByTestId('connect-new-slack')).toHaveTextContent('Connect new Slack (fake)…');
    await userEvent.selectOptions(connectionSelect(), SLACK);
    expect(value()).toEqual({ connectionId: SLACK });
  });

  it('says when the chosen connection was revoked, and reconnects it in a popup', async () => {
    let current = slack({ status: 'revoked', statusReason: 'token_revoked: the app was removed' });
    const { calls } = fakeApi({
      'GET /api/connections': () => ({ body: { items: [current] } }),
      'POST /api/connections/oauth/start': () => ({
        body: { authorizeUrl: 'https://slack.example/oauth/v2/authorize?state=x' },
      }),
      'GET /api/auth/google/config': () => ({ body: { enabled: false } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () => ({
        status: 409,
        body: { error: { code: 'connection_revoked', message: 'The connection was revoked.' } },
      }),
    });
    const popup = { closed: false, location: { href: 'about:blank' }, close: vi.fn() };
    const open = vi.spyOn(browserWindow, 'open').mockReturnValue(popup as unknown as Window);
    render(<Form initial={{ connectionId: SLACK }} />);

    const broken = await screen.findByTestId('connection-broken');
    expect(broken).toHaveTextContent(
      'This connection was revoked: token_revoked: the app was removed.',
    );
    expect(connectionSelect()).toHaveDisplayValue('Acme (T0ACME) — Slack (revoked)');
    await userEvent.click(within(broken).getByRole('button', { name: 'Reconnect Slack' }));

    expect(open).toHaveBeenCalledOnce();
    await waitFor(() =>
      expect(popup.location.href).toBe('https://slack.example/oauth/v2/authorize?state=x'),
    );
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      provider: 'slack',
      reconnectId: SLACK,
    });
    expect(screen.getByTestId('connect-waiting')).toHaveTextContent(
      'Finish connecting Slack in the window that opened',
    );

    current = slack();
    expect(await popupReports({ connected: SLACK })).toBe(true);
    await waitFor(() => expect(screen.queryByTestId('connection-broken')).toBeNull());
    expect(screen.queryByTestId('connect-waiting')).toBeNull();
    expect(value()).toEqual({ connectionId: SLACK });
  });

  it('connects a new workspace inline and selects it', async () => {
    let items = [google];
    fakeApi({
      'GET /api/connections': () => ({ body: { items } }),
      'GET /api/auth/google/config': () => ({ body: { enabled: true } }),
      'POST /api/connections/oauth/start': () => ({
        body: { authorizeUrl: 'https://slack.example/authorize' },
      }),
      [`GET /api/connections/${SLACK_NEW}/options/slack.channels`]: () => ({ body: channels }),
    });
    const popup = { closed: false, location: { href: '' }, close: vi.fn() };
    vi.spyOn(browserWindow, 'open').mockReturnValue(popup as unknown as Window);
    render(<Form />);
    await screen.findByText('No connection yet: connect one below');

    await userEvent.click(screen.getByTestId('connect-new-slack'));
    await waitFor(() => expect(popup.location.href).toBe('https://slack.example/authorize'));
    items = [google, slack({ id: SLACK_NEW, name: 'Fresh (T0NEW)' })];
    expect(await popupReports({ connected: SLACK_NEW })).toBe(true);

    await waitFor(() => expect(value()).toEqual({ connectionId: SLACK_NEW }));
    expect(connectionSelect()).toHaveDisplayValue('Fresh (T0NEW) · Acme (T0ACME) — Slack');
    // the channel list is loaded through the new connection at once
    await within(channelSelect()).findByRole('option', { name: '#alerts' });
  });

  it('says why when the consent screen was cancelled, and connects nothing', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [] } }),
      'POST /api/connections/oauth/start': () => ({ body: { authorizeUrl: 'https://x.example/' } }),
    });
    vi.spyOn(browserWindow, 'open').mockReturnValue({
      closed: false,
      location: { href: '' },
      close: vi.fn(),
    } as unknown as Window);
    render(<Form />);
    await userEvent.click(await screen.findByTestId('connect-new-slack'));
    await screen.findByTestId('connect-waiting');
    expect(await popupReports({ error: 'access_denied' })).toBe(true);
    await screen.findByText('You cancelled on the consent screen: nothing was connected.');
    expect(value()).toEqual({});
  });

  it('flags a connection that no longer exists', async () => {
    fakeApi({ 'GET /api/connections': () => ({ body: { items: [] } }) });
    render(<Form initial={{ connectionId: SLACK }} />);
    expect(await screen.findByTestId('connection-unknown')).toHaveTextContent(
      'This connection no longer exists',
    );
    expect(connectionSelect()).toHaveAttribute('aria-invalid', 'true');
  });

  it('warns when the connection lacks a scope the step needs', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [slack({ scopes: ['channels:read'] })] } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () => ({ body: channels }),
    });
    render(<Form initial={{ connectionId: SLACK }} />);
    expect(await screen.findByTestId('connection-missing-scopes')).toHaveTextContent(
      'not granted what this step needs: chat:write',
    );
  });

  it('shows why the list could not load, and loads it on Retry', async () => {
    let fail = true;
    fakeApi({
      'GET /api/connections': () =>
        fail
          ? { status: 503, body: { error: { code: 'unavailable', message: 'Auth is down.' } } }
          : { body: { items: [slack()] } },
    });
    render(<Form />);
    await screen.findByText('Could not load your connections: Auth is down.');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByRole('option', { name: /Acme/ });
  });
});

describe('an options field loaded through the connection', () => {
  it('waits for a connection, then loads, offers and stores the channel', async () => {
    let answer: (v: { body: unknown }) => void = () => undefined;
    const { calls } = fakeApi({
      'GET /api/connections': () => ({ body: { items: [slack()] } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () =>
        new Promise((resolve) => (answer = resolve)),
    });
    render(<Form />);
    expect(channelSelect()).toBeDisabled();
    expect(channelSelect()).toHaveDisplayValue('Choose a connection first');

    await userEvent.selectOptions(
      connectionSelect(),
      await screen.findByRole('option', { name: /Acme/ }),
    );
    await waitFor(() => expect(channelSelect()).toHaveDisplayValue('Loading channels…'));
    answer({ body: channels });
    await within(channelSelect()).findByRole('option', { name: '#general' });
    await userEvent.selectOptions(channelSelect(), 'C0ALERTS');
    expect(value()).toEqual({ connectionId: SLACK, channel: 'C0ALERTS' });
    expect(calls.filter((c) => c.path.includes('/options/'))).toHaveLength(1);
  });

  it('shows the error with a Retry, and reloads on request', async () => {
    let attempt = 0;
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [slack()] } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () => {
        attempt += 1;
        if (attempt === 1)
          return {
            status: 429,
            body: { error: { code: 'rate_limited', message: 'Slack is rate limiting us' } },
          };
        if (attempt === 2) return { body: channels };
        return { body: { items: [...channels.items, { value: 'C0NEW', label: '#new' }] } };
      },
    });
    render(<Form initial={{ connectionId: SLACK }} />);
    await screen.findByText(/Could not load the channels: Slack is rate limiting us/);
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await within(channelSelect()).findByRole('option', { name: '#general' });
    expect(within(channelSelect()).queryByRole('option', { name: '#new' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Reload the channels' }));
    await within(channelSelect()).findByRole('option', { name: '#new' });
  });

  it('keeps a saved channel that the connection no longer lists visible', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [slack()] } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () => ({ body: channels }),
    });
    render(<Form initial={{ connectionId: SLACK, channel: 'C0GONE' }} />);
    await screen.findByText('“C0GONE” is not among the channels this connection sees now.');
    expect(channelSelect()).toHaveDisplayValue('C0GONE (not in the list)');
  });

  it('can take the channel from an expression instead of the list', async () => {
    fakeApi({
      'GET /api/connections': () => ({ body: { items: [slack()] } }),
      [`GET /api/connections/${SLACK}/options/slack.channels`]: () => ({ body: channels }),
    });
    render(<Form initial={{ connectionId: SLACK, channel: 'C0GENERAL' }} />);
    await within(channelSelect()).findByRole('option', { name: '#general' });
    await userEvent.click(screen.getByRole('button', { name: 'Channel: use an expression' }));
    expect(screen.queryByTestId('options-field')).toBeNull();
    const input = screen.getByRole('combobox', { name: /^Channel ?\(required\)$/ });
    await userEvent.type(input, 'C0{{{{ trigger.channel }}');
    expect(value()).toEqual({ connectionId: SLACK, channel: 'C0{{ trigger.channel }}' });
  });
});
