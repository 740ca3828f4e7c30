import type { Writable } from 'node:stream';
import {
  createStreamHandler,
  type FunctionUrlEvent,
  type OpenResponse,
} from './adapters/http/stream-lambda';
import { composeStream, type StreamBootOptions } from './compose-stream';

/** The part of the Lambda Node.js runtime's `awslambda` global that response streaming uses. */
export interface StreamingRuntime {
  streamifyResponse(
    handler: (event: FunctionUrlEvent, responseStream: Writable, context: object) => Promise<void>,
  ): unknown;
  HttpResponseStream: { from: OpenResponse };
}

/**
 * The live execution stream as its own Lambda (a function URL with `invokeMode: RESPONSE_STREAM`;
 * API Gateway HTTP APIs buffer responses). `handle(event, responseStream, openResponse, context)`
 * is the runtime-free handler tests drive; it boots once per instance (again after a failed boot).
 *
 * @example
 * const { handle, close } = createStreamEntry({ env: { DATABASE_URL, AUTH_ISSUER, ... } });
 */
export function createStreamEntry(entry: {
  env: Record<string, string | undefined>;
  boot?: StreamBootOptions;
}) {
  let booting: ReturnType<typeof composeStream> | undefined;
  const boot = () => {
    booting ??= composeStream(entry.env, entry.boot).catch((err: unknown) => {
      booting = undefined;
      throw err;
    });
    return booting;
  };
  return {
    handle: createStreamHandler(boot),
    /** Tests: closes the pool the first invocation opened. */
    async close() {
      const deps = await booting?.catch(() => undefined);
      await deps?.close();
    },
  };
}

/**
 * Wraps `handle` with the runtime's `streamifyResponse` and `HttpResponseStream.from`. Outside
 * Lambda the result throws when called, saying so. The global alone proves nothing: the AWS SDK's
 * invoke store sets `globalThis.awslambda = {}` in any Node process, so the function is checked.
 */
export function streamify(
  handle: ReturnType<typeof createStreamHandler>,
  runtime: StreamingRuntime | undefined = (globalThis as { awslambda?: StreamingRuntime })
    .awslambda,
): unknown {
  if (typeof runtime?.streamifyResponse !== 'function') {
    return async () => {
      throw new Error(
        'the execution stream handler needs the Lambda runtime (awslambda.streamifyResponse)',
      );
    };
  }
  const rt = runtime;
  return rt.streamifyResponse((event, responseStream, context) =>
    handle(event, responseStream, rt.HttpResponseStream.from, context),
  );
}

/** The function cdk-constructs deploys behind the stream's function URL. */
export const handler = streamify(createStreamEntry({ env: process.env }).handle);
