import type { AuthResponse, ErrorDetail } from './api-types';

/** An answer from the API that is not a success: carries the API's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  /** Seconds to wait, from `Retry-After` (429). */
  readonly retryAfterSeconds?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[] = [],
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request never got an answer: offline, DNS, TLS, or the gateway is down. */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

export interface RequestOptions {
  body?: unknown;
  /** Send the bearer token and refresh it on 401 (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Base URL of this request instead of the client's. */
  baseUrl?: string;
}

export interface ApiClientOptions {
  baseUrl?: string;
  /**
   * Where {@link ApiClient.stream} goes when streams are served elsewhere than the API (on AWS,
   * the stream function's URL: API Gateway would buffer them). Requests there carry the bearer
   * token and no cookies. @default the API's base URL
   */
  streamBaseUrl?: string;
  fetch?: typeof fetch;
}

type Listener<T> = (value: T) => void;

/**
 * The browser's API client. The access token lives only in memory; the refresh token is the
 * httpOnly `__Host-fg_refresh` cookie, so a reload calls {@link ApiClient.refresh} to get a new access
 * token. Any 401 triggers one refresh shared by all requests in flight (single-flight), then the
 * request is retried once; if the refresh is refused the session is over.
 *
 * @example
 * ```ts
 * const api = new ApiClient();
 * api.onSessionExpired(() => showSignIn('Your session expired'));
 * const wf = await api.get<Workflow>(`/api/workflows/${id}`);
 * ```
 */
export class ApiClient {
  private token: string | null = null;
  private refreshing: Promise<AuthResponse | null> | null = null;
  private readonly baseUrl: string;
  private readonly streamBaseUrl?: string;
  private readonly fetchImpl: typeof fetch;
  private readonly expiredListeners = new Set<Listener<void>>();
  private readonly refreshedListeners = new Set<Listener<AuthResponse>>();

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    // A trailing slash (as the function URL output has) would double the path's.
    this.streamBaseUrl = options.streamBaseUrl?.replace(/\/+$/, '') || undefined;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  get accessToken(): string | null {
    return this.token;
  }

  setAccessToken(token: string | null): void {
    this.token = token;
  }

  /** Called when a refresh is refused while the user was signed in. Returns an unsubscribe. */
  onSessionExpired(listener: () => void): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  /** Called with every successful refresh (so the session store learns the user). */
  onRefreshed(listener: Listener<AuthResponse>): () => void {
    this.refreshedListeners.add(listener);
    return () => this.refreshedListeners.delete(listener);
  }

  /**
   * Exchange the refresh cookie for a new access token. Concurrent callers share one request.
   * Resolves null when there is no session (204: no cookie) or no valid one (401/400); throws
   * NetworkError when offline.
   */
  refresh(): Promise<AuthResponse | null> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<AuthResponse | null> {
    // Refresh tokens rotate and a reused one revokes the whole family: two tabs refreshing at
    // the same moment would send the same cookie. A cross-tab lock makes them take turns, so
    // the second one sends the cookie the first one received.
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (locks?.request) return locks.request('flowgenie-auth-refresh', () => this.sendRefresh());
    return this.sendRefresh();
  }

  private async sendRefresh(): Promise<AuthResponse | null> {
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + '/api/auth/refresh', {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        // No cookie at all is answered 204, not 401: a signed-out visit logs no console error.
        body: '{"probe":true}',
      });
    } catch (err) {
      throw new NetworkError(err);
    }
    if (res.status === 204 || res.status === 401 || res.status === 400 || res.status === 403) {
      this.token = null;
      return null;
    }
    if (!res.ok) throw await toApiError(res);
    const body = (await res.json()) as AuthResponse;
    this.token = body.accessToken;
    this.refreshedListeners.forEach((l) => l(body));
    return body;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    if (!res.ok) throw await toApiError(res);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body?: unknown, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = void>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * A raw authenticated response, for streaming (server-sent events): EventSource cannot send
   * an Authorization header, so streams are read with fetch. Non-2xx answers are returned as is.
   * With a `streamBaseUrl` the request goes there (a 401 still refreshes through the API).
   */
  stream(path: string, signal?: AbortSignal): Promise<Response> {
    return this.send('GET', path, {
      signal,
      headers: { Accept: 'text/event-stream' },
      baseUrl: this.streamBaseUrl,
    });
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const auth = options.auth ?? true;
    const base = options.baseUrl ?? this.baseUrl;
    const url = base + path + queryString(options.query);
    // The refresh cookie belongs to the API's origin only: another origin gets no cookies.
    const credentials: RequestCredentials = base === this.baseUrl ? 'include' : 'omit';
    const attempt = async () => {
      const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
      try {
        return await this.fetchImpl(url, {
          method,
          headers,
          credentials,
          signal: options.signal,
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
        });
      } catch (err) {
        if (isAbort(err)) throw err;
        throw new NetworkError(err);
      }
    };
    let res = await attempt();
    if (res.status === 401 && auth) {
      const hadSession = this.token !== null;
      const refreshed = await this.refresh();
      if (!refreshed) {
        if (hadSession) this.expiredListeners.forEach((l) => l());
        throw new ApiError(
          401,
          'session_expired',
          'Your session has expired. Please sign in again.',
        );
      }
      res = await attempt();
    }
    return res;
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

function isAbort(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { name?: string }).name === 'AbortError'
  );
}

async function toApiError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = '';
  let details: ErrorDetail[] = [];
  try {
    const body = (await res.json()) as {
      error?: { code?: string; message?: string; details?: ErrorDetail[] };
    };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? '';
      details = Array.isArray(body.error.details) ? body.error.details : [];
    }
  } catch {
    // not JSON (e.g. a proxy's HTML error page): fall back to the status text below
  }
  const retryAfter = Number(res.headers.get('Retry-After'));
  return new ApiError(
    res.status,
    code,
    message || defaultMessage(res.status),
    details,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

function defaultMessage(status: number): string {
  if (status === 400) return 'The request was not accepted.';
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'It no longer exists, or it is not yours.';
  if (status === 409) return 'That conflicts with the current state.';
  if (status === 429) return 'Too many attempts.';
  if (status >= 500) return 'The server had a problem.';
  return `Request failed (${status}).`;
}

/** Plain words for any error, suitable to show next to where it happened. */
export function describeError(err: unknown): string {
  if (err instanceof NetworkError)
    return 'Could not reach FlowGenie. Check your connection and try again.';
  if (err instanceof ApiError) {
    if (err.status === 429) {
      const base = err.message.replace(/[.\s]+$/, '');
      const wait = err.retryAfterSeconds
        ? `Try again in ${err.retryAfterSeconds} s.`
        : 'Try again shortly.';
      return `${base}. ${wait}`;
    }
    if (err.status >= 500 && !err.message)
      return 'The server had a problem. Try again in a moment.';
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Field-level messages from an ApiError's details, keyed by path (`email`, `config.url`, ...). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError) {
    for (const d of err.details) if (d.path && !out[d.path]) out[d.path] = d.message;
  }
  return out;
}
