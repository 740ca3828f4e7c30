import { createHash } from 'node:crypto';
import type { Logger as SlackLogger } from '@slack/web-api';
import { LogLevel, WebClient } from '@slack/web-api';
import {
  PermanentStepError,
  RetryableStepError,
  parseRetryAfter,
  type StepContext,
} from '@flowgenie/workflow';
import { googleEndpoints, slackEndpoints } from '../providers';

/** Retries of integration steps: rate limits and outages pass; Retry-After raises the wait. */
export const INTEGRATION_RETRY = {
  attempts: 5,
  backoff: { type: 'exponential' as const, delayMs: 2000 },
};

/** What an integration step needs from its connection for one attempt. */
export interface ProviderSession {
  connectionId: string;
  /** The access token: for the request only, never stored, logged or put in an error. */
  token: string;
  /** The connection's account (an email for Google), for the output. */
  account: string | null;
}

type Ctx = Pick<StepContext<unknown>, 'connections' | 'now' | 'logger'>;

const PROVIDER_NAMES = { google: 'Google', slack: 'Slack' } as const;

/** The credential of the step's connection, checked to be of `provider` and to hold `scopes`. */
export async function openSession(
  ctx: Ctx,
  connectionId: string,
  provider: 'google' | 'slack',
  scopes: string[],
): Promise<ProviderSession> {
  if (!ctx.connections) {
    throw new PermanentStepError('connections cannot be used here', {
      code: 'connections_unavailable',
    });
  }
  const access = await ctx.connections.access(connectionId, scopes);
  if (access.provider !== provider || access.auth.type !== 'bearer') {
    throw new PermanentStepError(
      `this step needs a ${PROVIDER_NAMES[provider]} connection; the one chosen is ${access.provider}`,
      { code: 'wrong_connection_provider' },
    );
  }
  return { connectionId, token: access.auth.token, account: access.account };
}

/** googleapis options for a session: the connection's token, no retries of its own (the executor retries), the step's timeout. */
export function googleOptions(ctx: Ctx, session: ProviderSession) {
  return {
    rootUrl: ctx.connections?.apiUrl?.('google') ?? googleEndpoints().apiRootUrl,
    headers: { authorization: `Bearer ${session.token}` },
    retry: false,
    // gaxios would load node-fetch with a dynamic import; Node's own fetch does the same job.
    fetchImplementation: fetch,
    timeout: 30_000,
  };
}

const quietSlackLogger: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** A Slack Web API client for a session: no retries or waiting of its own, 429s thrown. */
export function slackClient(ctx: Ctx, session: ProviderSession): WebClient {
  return new WebClient(session.token, {
    slackApiUrl: ctx.connections?.apiUrl?.('slack') ?? slackEndpoints().apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 30_000,
    logger: quietSlackLogger,
    logLevel: LogLevel.ERROR,
  });
}

/** Answers 429 with a wait: blocks the connection for every step, then retries after it. */
async function rateLimited(
  ctx: Ctx,
  session: ProviderSession,
  provider: string,
  retryAfterMs: number | undefined,
  status = 429,
): Promise<RetryableStepError> {
  const now = (ctx.now ?? Date.now)();
  if (retryAfterMs !== undefined)
    await ctx.connections?.rateLimited(session.connectionId, now + retryAfterMs);
  return new RetryableStepError(
    `${provider} rate limit reached${retryAfterMs !== undefined ? `; retrying after ${Math.ceil(retryAfterMs / 1000)} s` : ''}`,
    { code: 'rate_limited', status, retryAfterMs },
  );
}

/** The provider refused the token: auth marks the connection, the step fails for good. */
async function refused(
  ctx: Ctx,
  session: ProviderSession,
  provider: string,
  status: 'revoked' | 'expired',
  detail: string,
): Promise<PermanentStepError> {
  await ctx.connections?.report(
    session.connectionId,
    status,
    `${provider} refused the credential: ${detail}`,
  );
  return new PermanentStepError(
    `${provider} refused the connection's credential (${detail}): reconnect it in Connections`,
    { code: `connection_${status}`, status: 401 },
  );
}

interface GoogleErrorShape {
  status?: number;
  message?: string;
  code?: string;
  response?: {
    status?: number;
    headers?: { get?(name: string): string | null } & Record<string, unknown>;
    data?: { error?: { message?: string; errors?: { reason?: string }[] } };
  };
}

/** The HTTP status of a googleapis (gaxios) error, if it had a response. */
export function googleStatus(err: unknown): number | undefined {
  const e = err as GoogleErrorShape;
  return e?.response?.status ?? (typeof e?.status === 'number' ? e.status : undefined);
}

/**
 * A googleapis failure as a step error: 401 → reported and permanent; 429 (and 403 rate-limit
 * reasons) → retry after Retry-After, the connection blocked meanwhile; 5xx and network errors →
 * retryable; other 4xx → permanent with Google's message. Never includes the request (its
 * headers hold the token).
 */
export async function googleFailure(
  ctx: Ctx,
  session: ProviderSession,
  err: unknown,
  what: string,
): Promise<Error> {
  if (err instanceof PermanentStepError || err instanceof RetryableStepError) return err;
  const e = err as GoogleErrorShape;
  const status = googleStatus(err);
  const body = e?.response?.data?.error;
  const message = String(body?.message ?? e?.message ?? 'unknown error').slice(0, 300);
  const reasons = (body?.errors ?? []).map((x) => x.reason);
  if (status === undefined) {
    return new RetryableStepError(`${what}: Google could not be reached (${e?.code ?? message})`, {
      code: 'network_error',
    });
  }
  if (status === 401) return refused(ctx, session, 'Google', 'expired', `HTTP 401: ${message}`);
  if (
    status === 429 ||
    (status === 403 &&
      reasons.some((r) => r === 'rateLimitExceeded' || r === 'userRateLimitExceeded'))
  ) {
    const header = e.response?.headers;
    const value =
      typeof header?.get === 'function'
        ? header.get('retry-after')
        : (header?.['retry-after'] as string | undefined);
    return rateLimited(
      ctx,
      session,
      'Google',
      parseRetryAfter(value ?? undefined, (ctx.now ?? Date.now)()),
      status,
    );
  }
  return httpStatusError(`${what}: Google answered ${status}: ${message}`, status);
}

/** A provider's HTTP error status as a step error: 5xx and 408 are retried, the rest is final. */
function httpStatusError(text: string, status: number): Error {
  if (status >= 500 || status === 408)
    return new RetryableStepError(text, { code: 'provider_error', status });
  return new PermanentStepError(text, { code: 'provider_error', status });
}

const SLACK_REFUSED = new Set([
  'invalid_auth',
  'token_revoked',
  'account_inactive',
  'not_authed',
  'token_expired',
]);
const SLACK_TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

interface SlackErrorShape {
  code?: string;
  message?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string; needed?: string };
}

/** What the user can do about the common Slack refusals. */
function slackHint(name: string, needed?: string): string {
  switch (name) {
    case 'missing_scope':
      return needed ? ` (needs ${needed}; reconnect Slack in Connections)` : '';
    case 'not_in_channel':
      return ' (invite the app to the channel, e.g. /invite @FlowGenie)';
    case 'channel_not_found':
      return ' (the channel does not exist, or is private and the app is not in it)';
    case 'is_archived':
      return ' (the channel is archived)';
    default:
      return '';
  }
}

/** The Slack error name (`channel_not_found`…) of a platform error, if it is one. */
export function slackErrorName(err: unknown): string | undefined {
  const e = err as SlackErrorShape;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

/** A @slack/web-api failure as a step error (same rules as {@link googleFailure}). */
export async function slackFailure(
  ctx: Ctx,
  session: ProviderSession,
  err: unknown,
  what: string,
): Promise<Error> {
  if (err instanceof PermanentStepError || err instanceof RetryableStepError) return err;
  const e = err as SlackErrorShape;
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return rateLimited(
        ctx,
        session,
        'Slack',
        typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined,
      );
    case 'slack_webapi_platform_error': {
      const name = e.data?.error ?? 'unknown_error';
      if (SLACK_REFUSED.has(name))
        return refused(
          ctx,
          session,
          'Slack',
          name === 'token_expired' ? 'expired' : 'revoked',
          name,
        );
      if (name === 'ratelimited') return rateLimited(ctx, session, 'Slack', undefined);
      const text = `${what}: Slack answered ${name}${slackHint(name, e.data?.needed)}`;
      if (SLACK_TRANSIENT.has(name))
        return new RetryableStepError(text, { code: 'provider_error' });
      return new PermanentStepError(text, { code: 'provider_error' });
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return httpStatusError(`${what}: Slack answered HTTP ${status}`, status);
    }
    default:
      return new RetryableStepError(`${what}: Slack could not be reached`, {
        code: 'network_error',
      });
  }
}

/**
 * An id that is the same on every attempt of one step of one execution (and after a crash),
 * different for any other: the idempotency key of a side effect.
 */
export function stepDigest(executionId: string, nodeId: string): Buffer {
  return createHash('sha256').update(`${executionId}\u0000${nodeId}`).digest();
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Lowercase base32hex (RFC 4648 §7), the alphabet Google Calendar event ids are drawn from. */
export function base32hex(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Codes of failures that happen before a step's side effect is requested, or that the provider
 * answered without acting (429), and `waited` (the step only waited for its connection): an
 * attempt log entry with one of them did nothing.
 */
const NOTHING_DONE = new Set(['rate_limited', 'connection_unavailable', 'waited']);

/**
 * Whether an earlier attempt of this step may have performed its side effect (sent, posted):
 * any earlier attempt that was interrupted or failed with a code not known to act before the
 * effect. Only then is it worth looking for it before acting again.
 */
export function earlierAttemptMayHaveActed(
  ctx: Pick<StepContext<unknown>, 'attempt' | 'previousAttempts'>,
): boolean {
  const earlier = ctx.previousAttempts;
  // Without a log, only the attempt number tells; with one, it may also hold the attempts of an
  // execution's earlier run (a manual retry starts counting at 1 again).
  if (!earlier) return ctx.attempt > 1;
  if (earlier.length < ctx.attempt - 1) return true;
  return earlier.some((a) => !a.errorCode || !NOTHING_DONE.has(a.errorCode));
}

/** The outcome of a retried side effect could not be checked: do not send it again. */
export function outcomeUnknown(what: string, why: string): PermanentStepError {
  return new PermanentStepError(
    `outcome unknown: an earlier attempt may have ${what}, and it could not be checked (${why}); not sending again`,
    { code: 'outcome_unknown' },
  );
}
