import type { ConnectionAccessResponse } from '@flowgenie/contracts';
import {
  PermanentStepError,
  RetryableStepError,
  StepWaitError,
  type StepConnections,
} from '@flowgenie/workflow';
import { ConnectionAccessError, type ConnectionAccess } from '../connection-access';

/**
 * Per-connection "blocked until" shared by every executor: a provider's 429 with Retry-After
 * holds back every step on that connection, not only the one that got it.
 */
export interface ConnectionRateGate {
  /** Epoch ms until which the connection must not be used, if later than now. */
  blockedUntil(connectionId: string): Promise<number | undefined>;
  /** Blocks the connection until `untilMs` (keeps a later block already set). */
  block(connectionId: string, untilMs: number): Promise<void>;
}

/** A gate in this process's memory (tests, a single executor). */
export function memoryRateGate(now: () => number = Date.now): ConnectionRateGate {
  const until = new Map<string, number>();
  return {
    async blockedUntil(id) {
      const at = until.get(id);
      return at !== undefined && at > now() ? at : undefined;
    },
    async block(id, at) {
      until.set(id, Math.max(at, until.get(id) ?? 0));
    },
  };
}

export interface StepConnectionsOptions {
  access: ConnectionAccess;
  /** The workflow's owner: only their connections can be used. */
  ownerId: string;
  gate: ConnectionRateGate;
  /** Provider API base URLs (the local fakes), else the real providers. */
  apiUrls?: { google?: string; slack?: string };
  now?: () => number;
}

/** What the user reads when a connection cannot be used, by access error code. */
const REASONS: Record<string, (message: string) => string> = {
  connection_not_found: () => 'connection not found: pick one of your connections for this step',
  connection_revoked: () => 'connection revoked: reconnect it in Connections',
  connection_expired: () => 'connection expired: reconnect it in Connections',
  connection_missing_scope: (m) =>
    `connection lacks a permission this step needs (${m}): reconnect it in Connections`,
};

/**
 * The {@link StepConnections} a step gets: credentials of `ownerId`'s connections from auth's
 * internal endpoint, access errors turned into step errors (permanent ones say what to do), and
 * the per-connection rate-limit gate.
 */
export function stepConnections(opts: StepConnectionsOptions): StepConnections {
  const now = opts.now ?? Date.now;
  return {
    async access(connectionId, requiredScopes): Promise<ConnectionAccessResponse> {
      const blocked = await opts.gate.blockedUntil(connectionId);
      if (blocked !== undefined) {
        throw new StepWaitError(
          `the provider asked this connection to wait until ${new Date(blocked).toISOString()}`,
          blocked,
          { code: 'rate_limited', status: 429, retryAfterMs: Math.max(0, blocked - now()) },
        );
      }
      try {
        return await opts.access.access(connectionId, opts.ownerId, requiredScopes);
      } catch (err) {
        throw accessStepError(err);
      }
    },
    async report(connectionId, status, reason) {
      // Best effort: the step fails with the reason whether or not auth heard about it.
      await opts.access.report(connectionId, opts.ownerId, status, reason).catch(() => undefined);
    },
    async rateLimited(connectionId, untilMs) {
      await opts.gate.block(connectionId, untilMs);
    },
    apiUrl: (provider) => opts.apiUrls?.[provider],
  };
}

/** A ConnectionAccessError as the step error the executor acts on. */
export function accessStepError(err: unknown): Error {
  if (!(err instanceof ConnectionAccessError)) return err as Error;
  if (err.retryable) {
    return new RetryableStepError(`connections unavailable: ${err.message}`, {
      code: err.code,
      cause: err,
    });
  }
  const reason = REASONS[err.code]?.(err.message) ?? err.message;
  return new PermanentStepError(reason, { code: err.code, cause: err });
}
