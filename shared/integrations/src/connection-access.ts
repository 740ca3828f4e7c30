import {
  ConnectionAccessResponseSchema,
  INTERNAL_CONNECTION_ACCESS_PATH,
  INTERNAL_CONNECTION_REPORT_PATH,
  type ConnectionAccessResponse,
} from '@flowgenie/contracts';
import { internalAuthPost, type InternalAuthOptions } from './internal-auth-post';

/**
 * Why a connection could not be used. `connection_unavailable` (auth did not answer, or answered
 * 5xx) is worth retrying; the others are permanent until the user reconnects.
 */
export type ConnectionAccessErrorCode =
  | 'connection_not_found'
  | 'connection_revoked'
  | 'connection_expired'
  | 'connection_missing_scope'
  | 'connection_unavailable';

export class ConnectionAccessError extends Error {
  constructor(
    readonly code: ConnectionAccessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionAccessError';
  }
  get retryable(): boolean {
    return this.code === 'connection_unavailable';
  }
}

/** The executor's and the trigger service's way to a usable credential (never stored or logged). */
export interface ConnectionAccess {
  access(
    connectionId: string,
    ownerId: string,
    requiredScopes?: string[],
  ): Promise<ConnectionAccessResponse>;
  /** Tells auth the provider refused the credential, so the connection shows it. */
  report(
    connectionId: string,
    ownerId: string,
    status: 'revoked' | 'expired' | 'error',
    reason: string,
  ): Promise<void>;
}

/** Where auth is and the service token (see {@link InternalAuthOptions}). */
export type HttpConnectionAccessOptions = InternalAuthOptions;

const KNOWN_CODES = new Set<string>([
  'connection_not_found',
  'connection_revoked',
  'connection_expired',
  'connection_missing_scope',
]);

/** Calls auth's internal endpoints (docs/API.md, "Internal endpoints"). */
export function httpConnectionAccess(options: HttpConnectionAccessOptions): ConnectionAccess {
  const postToAuth = internalAuthPost(options, 10_000);

  async function post(template: string, connectionId: string, body: unknown): Promise<Response> {
    try {
      return await postToAuth(template.replace('{id}', encodeURIComponent(connectionId)), body);
    } catch (err) {
      throw new ConnectionAccessError(
        'connection_unavailable',
        `the auth service did not answer: ${(err as Error).message}`,
      );
    }
  }

  async function failure(res: Response): Promise<ConnectionAccessError> {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string };
    } | null;
    const code = body?.error?.code ?? '';
    const message = body?.error?.message ?? `auth answered ${res.status}`;
    if (KNOWN_CODES.has(code))
      return new ConnectionAccessError(code as ConnectionAccessErrorCode, message);
    return new ConnectionAccessError('connection_unavailable', message);
  }

  return {
    async access(connectionId, ownerId, requiredScopes) {
      const res = await post(INTERNAL_CONNECTION_ACCESS_PATH, connectionId, {
        ownerId,
        ...(requiredScopes?.length ? { requiredScopes } : {}),
      });
      if (!res.ok) throw await failure(res);
      return ConnectionAccessResponseSchema.parse(await res.json());
    },
    async report(connectionId, ownerId, status, reason) {
      const res = await post(INTERNAL_CONNECTION_REPORT_PATH, connectionId, {
        ownerId,
        status,
        reason: reason.slice(0, 500),
      });
      if (!res.ok && res.status !== 404) throw await failure(res);
    },
  };
}
