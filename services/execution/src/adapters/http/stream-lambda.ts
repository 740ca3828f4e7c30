import type { Writable } from 'node:stream';
import type { ErrorResponse } from '@flowgenie/contracts';
import {
  DomainError,
  isDependencyUnavailable,
  PLATFORM_ERROR_STATUS,
  type Logger,
  type TokenVerifier,
} from '@flowgenie/platform';
import type { ExecutionQueries } from '../../app/queries';
import {
  findStreamedExecution,
  pumpExecutionStream,
  SSE_HEADERS,
  type StreamTiming,
} from './execution-stream';

/** A Lambda function URL request (payload format 2.0), as far as the stream reads it. */
export interface FunctionUrlEvent {
  rawPath: string;
  headers?: Record<string, string | undefined>;
  requestContext: { requestId?: string; http: { method: string } };
}

/** What the response stream starts with: status and headers (the runtime's "prelude"). */
export interface ResponsePrelude {
  statusCode: number;
  headers: Record<string, string>;
}

/**
 * The one thing the Lambda runtime adds to a plain writable: `awslambda.HttpResponseStream.from`,
 * which sends the status and headers before the first body byte. The thin wrapper in
 * `lambda-stream.ts` passes the runtime's; tests pass one that writes them to an HTTP response.
 */
export type OpenResponse = (stream: Writable, prelude: ResponsePrelude) => Writable;

export interface StreamHandlerDeps {
  queries: Pick<ExecutionQueries, 'get' | 'version'>;
  verify: TokenVerifier;
  logger: Logger;
  timing: StreamTiming;
}

/**
 * The stream's route on the function URL: the path the web app uses behind the API (a base URL
 * ending in `/`, as the function URL output does, may double the first slash).
 */
const STREAM_PATH = /^\/+(?:api\/)?executions\/([^/]+)\/stream\/?$/;
/** Reading an execution's stream needs what `GET /api/executions/{id}` needs. */
const READ_SCOPE = 'executions:read';
/** Stop this long before the function's timeout, so the reconnect hint always goes out. */
const TIMEOUT_MARGIN_MS = 10_000;

/**
 * `GET /api/executions/{id}/stream` as a Lambda response-streaming handler (function URL,
 * `invokeMode: RESPONSE_STREAM`): the same frames as the Express route, sent as they happen
 * instead of buffered. The function URL has no authorizer, so the handler verifies the access
 * token itself (the services' verifier: ES256, issuer, audience and `typ` pinned, JWKS) and
 * answers 401 / 403 / 404 / 405 before any frame; another user's execution is 404 like an unknown
 * one. The stream ends when the execution finishes, or with `event: reconnect` before
 * `timing.maxDurationMs` or the function's own remaining time (whichever is first) runs out.
 *
 * @example
 * const handle = createStreamHandler(() => boot());
 * await handle(event, responseStream, awslambda.HttpResponseStream.from, context);
 */
export function createStreamHandler(deps: () => Promise<StreamHandlerDeps>) {
  return async function handleStream(
    event: FunctionUrlEvent,
    responseStream: Writable,
    openResponse: OpenResponse,
    context?: { getRemainingTimeInMillis?: () => number },
  ): Promise<void> {
    const reply = (status: number, error: ErrorResponse['error'], headers = {}) => {
      const body = openResponse(responseStream, {
        statusCode: status,
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      });
      body.end(JSON.stringify({ error } satisfies ErrorResponse));
    };
    const method = event.requestContext.http.method.toUpperCase();
    const match = STREAM_PATH.exec(event.rawPath);
    if (!match) {
      reply(404, { code: 'not_found', message: `no route for ${method} ${event.rawPath}` });
      return;
    }
    if (method !== 'GET') {
      reply(405, { code: 'method_not_allowed', message: 'only GET' }, { allow: 'GET' });
      return;
    }
    let d: StreamHandlerDeps;
    try {
      d = await deps();
    } catch (err) {
      // Boot failed (secret, database): logged by the caller's logger is not there yet.
      console.error(JSON.stringify({ msg: 'stream boot failed', err: String(err) }));
      reply(503, { code: 'service_unavailable', message: 'the stream is unavailable; retry' });
      return;
    }

    let open = true;
    const stop = () => {
      open = false;
    };
    responseStream.on('close', stop);
    responseStream.on('error', stop);
    try {
      const header = headerOf(event, 'authorization');
      const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!token) {
        reply(401, { code: 'unauthorized', message: 'missing bearer token' }, BEARER_CHALLENGE);
        return;
      }
      const user = await d.verify(token);
      if (!user.scopes.includes(READ_SCOPE)) {
        reply(
          403,
          {
            code: 'insufficient_scope',
            message: `this access token lacks the "${READ_SCOPE}" scope; use a session or an API key created with it`,
          },
          { 'www-authenticate': `Bearer error="insufficient_scope", scope="${READ_SCOPE}"` },
        );
        return;
      }
      const id = decodeURIComponent(match[1]);
      const first = await findStreamedExecution(d.queries, id, user.id, {
        ...d.timing,
        isOpen: () => open,
      });
      if (!first) return;
      const remaining = context?.getRemainingTimeInMillis?.();
      const maxDurationMs = Math.min(
        d.timing.maxDurationMs ?? Infinity,
        remaining === undefined ? Infinity : Math.max(0, remaining - TIMEOUT_MARGIN_MS),
      );
      const body = openResponse(responseStream, { statusCode: 200, headers: { ...SSE_HEADERS } });
      const end = await pumpExecutionStream(
        d.queries,
        first,
        user.id,
        { write: (frame) => body.write(frame), isOpen: () => open && !body.destroyed },
        { ...d.timing, maxDurationMs },
      );
      d.logger.debug({ executionId: id, end }, 'execution stream ended');
      body.end();
    } catch (err) {
      if (err instanceof DomainError) {
        const entry = PLATFORM_ERROR_STATUS[err.code];
        const status = typeof entry === 'number' ? entry : (entry?.status ?? 500);
        reply(
          status,
          { code: err.code, message: err.message },
          status === 401 ? BEARER_CHALLENGE : {},
        );
        return;
      }
      if (isDependencyUnavailable(err)) {
        d.logger.warn({ err: (err as Error).message }, 'dependency unavailable');
        reply(503, { code: 'service_unavailable', message: 'the database is unreachable; retry' });
        return;
      }
      d.logger.error({ err }, 'unexpected error');
      reply(500, { code: 'internal', message: 'unexpected error' });
    } finally {
      // The 'error' listener stays: a write error reported after the return (the client gone)
      // must not become an uncaught exception that kills the instance.
      responseStream.off('close', stop);
    }
  };
}

const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer' };

/** A request header, whatever its case (function URLs lower-case them; tests may not). */
function headerOf(event: FunctionUrlEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === name) return value;
  return undefined;
}
