import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router';
import { api } from '../../../lib/api';
import { useToastStore } from '../../../stores/toasts';
import { useSessionStore } from '../session';
import { AuthPage } from './AuthPage';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const signedInAnswer = {
  user: { id: 'u1', email: 'ada@example.com', createdAt: '2026-12-01T00:00:00Z' },
  accessToken: 'access-1',
  expiresIn: 900,
};

/** The API as the page sees it: the Google config answer, and sign-in and link when asked. */
function stubApi(config: unknown | (() => Promise<Response>)) {
  const fetch = vi.fn(async (url: string, _init?: RequestInit) => {
    if (url === '/api/auth/google/config')
      return typeof config === 'function' ? (config as () => Promise<Response>)() : json(config);
    if (url === '/api/auth/login') return json(signedInAnswer);
    if (url === '/api/auth/google/link') return json({ linked: true, email: 'ada@example.com' });
    return json({ error: { code: 'not_found', message: 'no route' } }, 404);
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/login" element={<AuthPage mode="signin" />} />
        <Route path="/signin" element={<AuthPage mode="signin" />} />
        <Route path="/signup" element={<AuthPage mode="signup" />} />
        <Route path="/workflows" element={<p>workflows page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  api.setAccessToken(null);
  useSessionStore.setState({ status: 'signedOut', user: null, notice: null });
  useToastStore.setState({ toasts: [] });
});

describe('Sign in with Google button', () => {
  it.each(['/signin', '/signup'])(
    'shows on %s when Google sign-in is on, linking to the start route',
    async (path) => {
      stubApi({ enabled: true, fake: false });
      renderAt(path);
      const button = await screen.findByRole('link', { name: 'Sign in with Google' });
      expect(button).toHaveAttribute('href', '/api/auth/google/start');
    },
  );

  it('says "(fake)" when Google is the local fake', async () => {
    stubApi({ enabled: true, fake: true });
    renderAt('/signin');
    expect(
      await screen.findByRole('link', { name: 'Sign in with Google (fake)' }),
    ).toBeInTheDocument();
  });

  it('is hidden when the server says Google sign-in is off', async () => {
    const fetch = stubApi({
      enabled: false,
      reason: 'Sign in with Google is off: GOOGLE_CLIENT_ID is not set',
    });
    renderAt('/signin');
    await waitFor(() =>
      expect(fetch).toHaveBeenCalledWith('/api/auth/google/config', expect.anything()),
    );
    // The config answer has arrived and been rendered: still no button.
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId('google-sign-in')).toBeNull();
    expect(screen.getByTestId('auth-submit')).toBeInTheDocument();
  });

  it('is hidden when the config cannot be loaded', async () => {
    const fetch = stubApi(() => Promise.reject(new TypeError('offline')));
    renderAt('/signin');
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId('google-sign-in')).toBeNull();
  });
});

describe('the login page after Google', () => {
  it('explains an unverified Google email', async () => {
    stubApi({ enabled: true });
    renderAt('/login?error=google_email_unverified');
    expect(screen.getByTestId('google-error')).toHaveTextContent(
      'Google has not verified the email address of that account',
    );
  });

  it('asks the owner of a password account to sign in, then links Google with the new session', async () => {
    const fetch = stubApi({ enabled: true });
    renderAt('/login?link=link-token-1');
    expect(screen.getByTestId('google-link-notice')).toHaveTextContent(
      'This email already has a password account: sign in to link Google',
    );
    // No Google button here: the password is the proof.
    await new Promise((r) => setTimeout(r, 0));
    expect(screen.queryByTestId('google-sign-in')).toBeNull();
    expect(fetch.mock.calls.map(([url]) => url)).not.toContain('/api/auth/google/config');

    await userEvent.type(screen.getByTestId('auth-email'), 'ada@example.com');
    await userEvent.type(screen.getByTestId('auth-password'), 'correct horse battery staple');
    await userEvent.click(screen.getByTestId('auth-submit'));

    await screen.findByText('workflows page');
    const link = fetch.mock.calls.find(([url]) => url === '/api/auth/google/link');
    expect(link).toBeDefined();
    const init = link![1]!;
    expect(JSON.parse(String(init.body))).toEqual({ linkToken: 'link-token-1' });
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer access-1');
    await waitFor(() =>
      expect(useToastStore.getState().toasts.map((t) => t.message)).toContain(
        'Google account ada@example.com linked: you can now sign in with Google.',
      ),
    );
  });
});
