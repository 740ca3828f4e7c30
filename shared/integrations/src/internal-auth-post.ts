/** How a service reaches auth's `/internal` endpoints. */
export interface InternalAuthOptions {
  /** The auth service's own address (not the gateway's), e.g. https://127.0.0.1:3001. */
  authUrl: string;
  /** The shared service-to-service token. */
  serviceToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * A poster of JSON to auth's internal endpoints with the service token and a timeout. The promise
 * rejects only when auth did not answer (network, timeout); every answer, 4xx/5xx too, resolves.
 */
export function internalAuthPost(options: InternalAuthOptions, defaultTimeoutMs: number) {
  const doFetch = options.fetch ?? fetch;
  const base = options.authUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return (path: string, body: unknown): Promise<Response> =>
    doFetch(base + path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.serviceToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
}
