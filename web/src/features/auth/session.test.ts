// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../lib/api';
import { useSessionStore } from './session';

const signedInAnswer = {
  user: { id: 'u1', email: 'ada@example.com', createdAt: '2026-12-01T00:00:00Z' },
  accessToken: 'access-1',
  expiresIn: 900,
};

function stubFetch(logout: () => Response | Promise<Response>) {
  const fetch = vi.fn(async (url: string) =>
    url === '/api/auth/login'
      ? new Response(JSON.stringify(signedInAnswer), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        })
      : logout(),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

afterEach(() => {
  vi.unstubAllGlobals();
  api.setAccessToken(null);
});

describe('signing out', () => {
  it('sends the refresh cookie and the access token to logout, then forgets the session', async () => {
    const fetch = stubFetch(() => new Response(null, { status: 204 }));
    await useSessionStore.getState().signIn('ada@example.com', 'correct horse battery staple');

    await useSessionStore.getState().signOut();

    const [url, init] = fetch.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/logout');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('include');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer access-1');
    expect(useSessionStore.getState()).toMatchObject({ status: 'signedOut', user: null });
    expect(api.accessToken).toBeNull();
  });

  it('forgets the session even when the server cannot be reached, and never tries a refresh', async () => {
    const fetch = stubFetch(() => Promise.reject(new TypeError('offline')));
    await useSessionStore.getState().signIn('ada@example.com', 'correct horse battery staple');

    await expect(useSessionStore.getState().signOut()).rejects.toThrow();

    expect(fetch.mock.calls.map(([url]) => url)).toEqual(['/api/auth/login', '/api/auth/logout']);
    expect(useSessionStore.getState().status).toBe('signedOut');
    expect(api.accessToken).toBeNull();
  });
});
