import {
  ConnectionCheckResponseSchema,
  INTERNAL_CONNECTION_CHECK_PATH,
  type ConnectionCheckItem,
  type ConnectionCheckRequest,
} from '@flowgenie/contracts';
import { internalAuthPost, type InternalAuthOptions } from './internal-auth-post';

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

/** Where auth is and the service token (see {@link InternalAuthOptions}). */
export type HttpConnectionCheckOptions = InternalAuthOptions;

/** Calls auth's `POST /internal/connections/check` (docs/API.md, "Internal endpoints"). */
export function httpConnectionCheck(options: HttpConnectionCheckOptions): ConnectionCheck {
  const postToAuth = internalAuthPost(options, 5_000);
  return {
    async check(ownerId, items) {
      if (items.length === 0) return [];
      let res: Response;
      try {
        res = await postToAuth(INTERNAL_CONNECTION_CHECK_PATH, { ownerId, items });
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
