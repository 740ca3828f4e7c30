import {
  ConnectionCheckResponseSchema,
  INTERNAL_CONNECTION_CHECK_PATH,
  type ConnectionCheckItem,
  type ConnectionCheckRequest,
} from '@flowgenie/contracts';

/** Auth did not answer, or answered something other than a check result: worth retrying. */
export class ConnectionCheckUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionCheckUnavailableError';
  }
}

/** Whether connections would work for the steps that name them, without any credential. */
export interface ConnectionCheck {
  /** One result per item, in order. @throws ConnectionCheckUnavailableError */
  check(ownerId: string, items: ConnectionCheckRequest['items']): Promise<ConnectionCheckItem[]>;
}

export interface HttpConnectionCheckOptions {
  /** The auth service's own address (not the gateway's), e.g. https://127.0.0.1:3001. */
  authUrl: string;
  /** The shared service-to-service token. */
  serviceToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Calls auth's `POST /internal/connections/check` (docs/API.md, "Internal endpoints"). */
export function httpConnectionCheck(options: HttpConnectionCheckOptions): ConnectionCheck {
  const doFetch = options.fetch ?? fetch;
  const url = options.authUrl.replace(/\/+$/, '') + INTERNAL_CONNECTION_CHECK_PATH;
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async check(ownerId, items) {
      if (items.length === 0) return [];
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.serviceToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ownerId, items }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new ConnectionCheckUnavailableError(
          `the auth service did not answer: ${(err as Error).message}`,
        );
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new ConnectionCheckUnavailableError(`the auth service answered ${res.status}`);
      }
      const parsed = ConnectionCheckResponseSchema.safeParse(await res.json().catch(() => null));
      if (!parsed.success || parsed.data.items.length !== items.length)
        throw new ConnectionCheckUnavailableError('the auth service answered an unexpected body');
      return parsed.data.items;
    },
  };
}
