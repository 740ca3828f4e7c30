import { isUuid } from '@flowgenie/contracts';
import { ExecutionNotFoundError } from '../../domain/errors';
import { isExecutionFinished, type ExecutionDetail } from '../../domain/execution';
import type { ExecutionQueries } from '../../app/queries';
import { toDetailDto } from './execution.dto';

/** The headers of every execution stream (Express and the Lambda response stream alike). */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** The event that tells the client the server ended the stream on purpose and it should reopen it. */
export const RECONNECT_EVENT = 'reconnect';

export interface StreamTiming {
  /** How often the stream looks for changes. @default 250 */
  pollMs?: number;
  /** How long to wait for an execution that does not exist yet before a 404. @default 10000 */
  waitMs?: number;
  /** Comment line sent to keep idle proxies from closing the stream. @default 15000 */
  heartbeatMs?: number;
  /**
   * End a stream that is still open after this long with a reconnect hint (a Lambda must answer
   * before its timeout). @default - no limit
   */
  maxDurationMs?: number;
  /**
   * End the stream with a reconnect hint once this many bytes were sent (a Lambda response
   * stream is capped). @default - no limit
   */
  maxBytes?: number;
}

/** Where the frames go, and whether the client is still there. */
export interface SseSink {
  write(frame: string): void;
  /** False once the client left. */
  isOpen(): boolean;
}

/** Why a stream ended: the execution finished, the client left, or a limit was reached. */
export type StreamEnd = 'finished' | 'closed' | 'gone' | 'limit';

/** One SSE frame. */
export const sseFrame = (event: string, data: string, retryMs?: number): string =>
  `${retryMs === undefined ? '' : `retry: ${retryMs}\n`}event: ${event}\ndata: ${data}\n\n`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The execution a stream is opened for, waiting up to `waitMs` for it to be created: a client
 * that opens the stream right after `POST /runs` answered 202 gets the stream, not a 404. Another
 * user's id waits the same and is 404, like an unknown one; an id that is not a UUID is 404 at
 * once. Undefined when the client left first.
 *
 * @throws ExecutionNotFoundError
 */
export async function findStreamedExecution(
  queries: Pick<ExecutionQueries, 'get'>,
  id: string,
  ownerId: string,
  timing: StreamTiming & { isOpen: () => boolean },
): Promise<ExecutionDetail | undefined> {
  if (!isUuid(id)) throw new ExecutionNotFoundError(id);
  const deadline = Date.now() + (timing.waitMs ?? 10_000);
  const pollMs = timing.pollMs ?? 250;
  for (;;) {
    try {
      return await queries.get(id, ownerId);
    } catch (err) {
      if (!(err instanceof ExecutionNotFoundError) || Date.now() >= deadline) throw err;
    }
    await sleep(pollMs);
    if (!timing.isOpen()) return undefined;
  }
}

/**
 * Server-sent events of one execution: `event: execution` with the whole Execution at once and
 * after every change (the row's change marker is polled), ending after the event that shows it
 * finished. With a limit (time or bytes) reached first, the last frame is `event: reconnect`
 * (with `retry:`): the client opens a new stream, which starts with the current state.
 * A database failure mid-stream just ends it (the client reconnects or polls).
 */
export async function pumpExecutionStream(
  queries: Pick<ExecutionQueries, 'get' | 'version'>,
  first: ExecutionDetail,
  ownerId: string,
  sink: SseSink,
  timing: StreamTiming = {},
): Promise<StreamEnd> {
  const id = first.id;
  const pollMs = timing.pollMs ?? 250;
  const heartbeatMs = timing.heartbeatMs ?? 15_000;
  const endsAt = timing.maxDurationMs === undefined ? Infinity : Date.now() + timing.maxDurationMs;
  const maxBytes = timing.maxBytes ?? Infinity;
  let bytes = 0;
  const write = (frame: string) => {
    bytes += Buffer.byteLength(frame);
    sink.write(frame);
  };
  let last = '';
  const send = (d: ExecutionDetail) => {
    const data = JSON.stringify(toDetailDto(d));
    if (data === last) return;
    last = data;
    write(sseFrame('execution', data));
  };
  let detail = first;
  let marker = detail.updatedAt.getTime();
  let lastWrite = Date.now();
  try {
    send(detail);
    for (;;) {
      if (isExecutionFinished(detail.status)) return 'finished';
      if (!sink.isOpen()) return 'closed';
      if (Date.now() + pollMs >= endsAt || bytes >= maxBytes) {
        sink.write(sseFrame(RECONNECT_EVENT, JSON.stringify({ id }), 1000));
        return 'limit';
      }
      await sleep(pollMs);
      if (!sink.isOpen()) return 'closed';
      const version = await queries.version(id, ownerId);
      if (!version) return 'gone';
      if (version.updatedAt.getTime() !== marker) {
        marker = version.updatedAt.getTime();
        detail = await queries.get(id, ownerId);
        send(detail);
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= heartbeatMs) {
        write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    }
  } catch {
    // The execution vanished or the database failed mid-stream: the client reconnects.
    return 'gone';
  }
}
