// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, NetworkError, describeError } from './api-client';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

const auth = (token: string) => ({
  user: { id: 'u1', email: 'a@b.c', createdAt: '' },
  accessToken: token,
  expiresIn: 900,
});

describe('ApiClient', () => {
  it('sends the bearer token and parses JSON', async () => {
    const fetch = vi.fn(async () => json(200, { ok: true }));
    const api = new ApiClient({ fetch });
    api.setAccessToken('t1');
    await expect(api.get('/api/x', { query: { a: 1, b: undefined } })).resolves.toEqual({
      ok: true,
    });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/x?a=1');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer t1');
  });

  it('refreshes once for concurrent 401s and retries each request with the new token', async () => {
    let refreshes = 0;
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/auth/refresh') {
        refreshes += 1;
        expect(init?.credentials).toBe('include');
        return json(200, auth('fresh'));
      }
      const header = (init?.headers as Record<string, string>).Authorization;
      return header === 'Bearer fresh'
        ? json(200, { url })
        : json(401, { error: { code: 'unauthorized', message: 'expired' } });
    });
    const api = new ApiClient({ fetch: fetch as unknown as typeof globalThis.fetch });
    api.setAccessToken('stale');
    const results = await Promise.all([api.get('/api/a'), api.get('/api/b'), api.get('/api/c')]);
    expect(results).toEqual([{ url: '/api/a' }, { url: '/api/b' }, { url: '/api/c' }]);
    expect(refreshes).toBe(1);
    expect(api.accessToken).toBe('fresh');
  });

  it('opens streams on the stream base URL with the bearer token and no cookies, refreshing through the API', async () => {
    const calls: Array<{ url: string; credentials?: RequestCredentials; auth?: string }> = [];
    const fetch = vi.fn(async (url: string, init?: RequestInit) => {
      const header = (init?.headers as Record<string, string>).Authorization;
      calls.push({ url, credentials: init?.credentials, auth: header });
      if (url === '/api/auth/refresh') return json(200, auth('fresh'));
      return header === 'Bearer fresh'
        ? new Response('event: execution\ndata: {}\n\n', { status: 200 })
        : json(401, { error: { code: 'unauthorized', message: 'expired' } });
    });
    const api = new ApiClient({
      fetch: fetch as unknown as typeof globalThis.fetch,
      streamBaseUrl: 'https://abc.lambda-url.eu-west-1.on.aws/',
    });
    api.setAccessToken('stale');

    const res = await api.stream('/api/executions/ex1/stream');

    expect(res.status).toBe(200);
    const stream = 'https://abc.lambda-url.eu-west-1.on.aws/api/executions/ex1/stream';
    expect(calls).toEqual([
      { url: stream, credentials: 'omit', auth: 'Bearer stale' },
      { url: '/api/auth/refresh', credentials: 'include', auth: undefined },
      { url: stream, credentials: 'omit', auth: 'Bearer fresh' },
    ]);
    // Everything else stays on the API.
    await api.get('/api/x').catch(() => undefined);
    expect(calls.at(-1)).toMatchObject({ url: '/api/x', credentials: 'include' });
  });

  it('opens streams on the API when no stream base URL is set', async () => {
    const fetch = vi.fn(async () => new Response('', { status: 200 }));
    const api = new ApiClient({ fetch, streamBaseUrl: '' });
    await api.stream('/api/executions/ex1/stream');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/executions/ex1/stream');
    expect(init.credentials).toBe('include');
  });

  it('reports an expired session when the refresh is refused', async () => {
    const fetch = vi.fn(async (url: string) =>
      url === '/api/auth/refresh'
        ? json(401, { error: { code: 'invalid_refresh', message: 'no' } })
        : json(401, {}),
    );
    const api = new ApiClient({ fetch: fetch as unknown as typeof globalThis.fetch });
    const expired = vi.fn();
    api.onSessionExpired(expired);
    api.setAccessToken('stale');
    await expect(api.get('/api/a')).rejects.toMatchObject({ status: 401, code: 'session_expired' });
    expect(expired).toHaveBeenCalledTimes(1);
    expect(api.accessToken).toBeNull();
  });

  it('asks for the session as a probe: no cookie (204) is no session, without an error', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    const api = new ApiClient({ fetch: fetch as unknown as typeof globalThis.fetch });
    await expect(api.refresh()).resolves.toBeNull();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/refresh');
    expect(JSON.parse(init.body as string)).toEqual({ probe: true });
    expect(api.accessToken).toBeNull();
  });

  it('turns error bodies into ApiError with details and Retry-After', async () => {
    const api = new ApiClient({
      fetch: async () =>
        json(
          429,
          {
            error: {
              code: 'rate_limited',
              message: 'Too many attempts',
              details: [{ path: 'email', message: 'slow down' }],
            },
          },
          { 'Retry-After': '30' },
        ),
    });
    const err = (await api
      .post('/api/auth/login', {}, { auth: false })
      .catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.details).toEqual([{ path: 'email', message: 'slow down' }]);
    expect(describeError(err)).toBe('Too many attempts. Try again in 30 s.');
  });

  it('reports a lost connection as NetworkError, in plain words', async () => {
    const api = new ApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const err = await api.get('/api/a').catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(describeError(err)).toMatch(/could not reach/i);
  });
});
