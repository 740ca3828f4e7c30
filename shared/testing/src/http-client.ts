// Answers are checked with expect(); typing every body would add nothing but casts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpAnswer<T = Json> {
  status: number;
  /** The parsed JSON body (undefined when empty). */
  body: T;
  headers: Headers;
  /** Every Set-Cookie header. */
  cookies: string[];
}

export interface CallOptions {
  /** Sent as JSON (`content-type: application/json`). */
  body?: unknown;
  /** Sent as is, as JSON (malformed JSON, hostile text). */
  rawBody?: string;
  /** `authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
}

export type HttpCall = <T = Json>(
  method: string,
  path: string,
  opts?: CallOptions,
) => Promise<HttpAnswer<T>>;

/**
 * JSON over HTTP against one service: the tests' one client.
 *
 * @example
 * const call = httpClient(server.url);
 * const res = await call('POST', '/workflows', { token, body: { name: 'x' } });
 * expect(res.status).toBe(201);
 */
export function httpClient(baseUrl: string): HttpCall {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : undefined,
      headers: res.headers,
      cookies: res.headers.getSetCookie(),
    };
  };
}
