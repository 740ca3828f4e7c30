import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, type Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import {
  createTestTokens,
  TEST_AUDIENCE,
  TEST_ISSUER,
  waitFor,
  type TestTokens,
} from '@flowgenie/testing';
import type { FunctionUrlEvent } from '../src/adapters/http/stream-lambda';
import { createStreamEntry, streamify, type StreamingRuntime } from '../src/lambda-stream';
import {
  readStream,
  slowGraph,
  sseBlocks,
  startExecutionService,
  type Json,
  type TestExecution,
} from './support';

jest.setTimeout(30_000);

/**
 * The Lambda runtime's side of response streaming, as its wire format has it: `HttpResponseStream.from`
 * writes the JSON prelude (status, headers) and 8 NUL bytes before the body.
 */
const runtime: StreamingRuntime = {
  streamifyResponse: (handler) => handler,
  HttpResponseStream: {
    from(stream: Writable, prelude) {
      stream.write(JSON.stringify(prelude));
      stream.write(Buffer.alloc(8));
      return stream;
    },
  },
};

type StreamingHandler = (
  event: FunctionUrlEvent,
  stream: Writable,
  context: { getRemainingTimeInMillis(): number },
) => Promise<void>;

/**
 * A function URL in front of a streamed handler: turns each HTTP request into the payload 2.0
 * event, reads the prelude off the response stream into the HTTP status and headers and passes
 * every later byte on as it comes. A client that leaves closes the response stream.
 */
async function startFunctionUrl(handler: StreamingHandler, remainingMs = 300_000) {
  /** Invocations still running (the handler has not returned). */
  let running = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://function.url');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const event: FunctionUrlEvent = {
      rawPath: url.pathname,
      headers,
      requestContext: { requestId: randomUUID(), http: { method: req.method ?? 'GET' } },
    };
    const stream = new PassThrough();
    let head: Buffer | undefined = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      if (!head) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const cut = head.indexOf(Buffer.alloc(8));
      if (cut < 0) return;
      const prelude = JSON.parse(head.subarray(0, cut).toString('utf8'));
      res.writeHead(prelude.statusCode, prelude.headers);
      res.flushHeaders();
      const rest = head.subarray(cut + 8);
      head = undefined;
      if (rest.length) res.write(rest);
    });
    stream.on('end', () => res.end());
    res.on('close', () => stream.destroy());
    const started = Date.now();
    running += 1;
    handler(event, stream, { getRemainingTimeInMillis: () => remainingMs - (Date.now() - started) })
      .then(() => stream.end())
      .catch((err) => {
        res.statusCode = 502;
        res.end(String(err));
      })
      .finally(() => (running -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    running: () => running,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every SSE frame of a response, with the time (ms after the request) it arrived. */
async function readFrames(url: string, token?: string) {
  const started = Date.now();
  const res = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  const frames: { event: string; data: string; retry?: string; at: number }[] = [];
  if (!res.headers.get('content-type')?.startsWith('text/event-stream'))
    return { res, frames, body: await res.json() };
  for await (const lines of sseBlocks(res.body)) {
    const field = (name: string) =>
      lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    if (field('event')) {
      frames.push({
        event: field('event')!,
        data: field('data') ?? '',
        retry: field('retry'),
        at: Date.now() - started,
      });
    }
  }
  return { res, frames, body: undefined as Json };
}

describe('the execution stream on Lambda response streaming', () => {
  let svc: TestExecution;
  let tokens: TestTokens;
  const entries: ReturnType<typeof createStreamEntry>[] = [];
  const urls: Awaited<ReturnType<typeof startFunctionUrl>>[] = [];
  let functionUrl: string;

  /** The stream function over the execution service's database, behind a function URL. */
  const startStream = async (env: Record<string, string> = {}, remainingMs?: number) =>
    (await startStreamUrl(env, remainingMs)).url;
  const startStreamUrl = async (env: Record<string, string> = {}, remainingMs?: number) => {
    const entry = createStreamEntry({
      env: {
        DATABASE_URL: svc.config.DATABASE_URL,
        AUTH_ISSUER: TEST_ISSUER,
        AUTH_AUDIENCE: TEST_AUDIENCE,
        LOG_LEVEL: 'silent',
        STREAM_POLL_MS: '20',
        STREAM_WAIT_MS: '500',
        ...env,
      },
      boot: { keySet: tokens.keySet },
    });
    entries.push(entry);
    const url = await startFunctionUrl(
      streamify(entry.handle, runtime) as StreamingHandler,
      remainingMs,
    );
    urls.push(url);
    return url;
  };

  beforeAll(async () => {
    svc = await startExecutionService('execution_stream_lambda');
    tokens = await createTestTokens();
    functionUrl = await startStream();
  });

  afterAll(async () => {
    for (const url of urls) await url.close();
    for (const entry of entries) await entry.close();
    await svc?.close();
  });

  it('streams a running execution as it changes, the same frames as the service, and ends when it finishes', async () => {
    // Prepare
    const ownerId = randomUUID();
    const token = await tokens.sign(ownerId);
    const { executionId } = await svc.trigger({ ownerId, graph: slowGraph(800), mode: 'manual' });

    // Act
    const { res, frames } = await readFrames(
      `${functionUrl}/api/executions/${executionId}/stream`,
      token,
    );

    // Assess: streamed, not buffered: the first frame came well before the run ended.
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const events = frames.map((f) => JSON.parse(f.data));
    expect(frames.every((f) => f.event === 'execution')).toBe(true);
    expect(events[0]).toMatchObject({ id: executionId, status: 'running' });
    const last = events.at(-1);
    expect(last).toMatchObject({ id: executionId, status: 'succeeded' });
    expect(last.steps.find((s: Json) => s.nodeId === 'after').output).toBe('done');
    expect(frames.at(-1)!.at - frames[0].at).toBeGreaterThanOrEqual(500);
    const pause = events.map((e) => e.steps.find((s: Json) => s.nodeId === 'pause')?.status);
    expect(pause).toContain('waiting');
    // The local route's stream of the finished run is the very frame the Lambda sent last.
    const local = await svc.userToken(ownerId);
    const express = await readStream(`${svc.url}/executions/${executionId}/stream`, local.token);
    expect(express.events).toEqual([last]);
  });

  it('answers 401 to a request without a token or with one that does not verify, before any frame', async () => {
    const ownerId = randomUUID();
    const { executionId } = await svc.trigger({ ownerId, graph: slowGraph(50), mode: 'manual' });
    const path = `${functionUrl}/api/executions/${executionId}/stream`;
    const otherKey = await createTestTokens();
    const otherAudience = await createTestTokens({ audience: 'someone-else' });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
      'base64url',
    );
    const claims = Buffer.from(
      JSON.stringify({
        sub: ownerId,
        email: 'a@example.test',
        iss: TEST_ISSUER,
        aud: TEST_AUDIENCE,
      }),
    ).toString('base64url');

    for (const token of [
      undefined,
      'not-a-jwt',
      await otherKey.sign(ownerId),
      await otherAudience.sign(ownerId),
      `${header}.${claims}.`,
    ]) {
      const { res, frames, body } = await readFrames(path, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(body.error.code).toBe('unauthorized');
      expect(frames).toEqual([]);
    }
  });

  it('answers 403 to a token without executions:read', async () => {
    const ownerId = randomUUID();
    const { executionId } = await svc.trigger({ ownerId, graph: slowGraph(50), mode: 'manual' });
    const token = await tokens.sign(ownerId, undefined, 'workflows:read');
    const { res, body } = await readFrames(
      `${functionUrl}/api/executions/${executionId}/stream`,
      token,
    );
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('insufficient_scope');
  });

  it("answers 404 for another user's execution, an unknown one and a malformed id", async () => {
    const alice = randomUUID();
    const { executionId } = await svc.trigger({
      ownerId: alice,
      graph: slowGraph(50),
      mode: 'manual',
    });
    await svc.waitForExecution(executionId, (await svc.userToken(alice)).token);
    const mallory = await tokens.sign(randomUUID());

    for (const id of [executionId, randomUUID(), 'not-an-id']) {
      const { res, frames, body } = await readFrames(
        `${functionUrl}/api/executions/${id}/stream`,
        mallory,
      );
      expect(res.status).toBe(404);
      expect(body.error.code).toBe('not_found');
      expect(JSON.stringify(body)).not.toContain(alice);
      expect(frames).toEqual([]);
    }
    // Its owner gets it.
    const { res } = await readFrames(
      `${functionUrl}/api/executions/${executionId}/stream`,
      await tokens.sign(alice),
    );
    expect(res.status).toBe(200);
  });

  it('ends a stream that outlives its time limit with a reconnect hint, and the next streams follow the run to its end', async () => {
    // Prepare: a limit of 1 s on a run of 2.5 s.
    const limited = await startStream({ STREAM_MAX_MS: '1000' });
    const ownerId = randomUUID();
    const token = await tokens.sign(ownerId);
    const { executionId } = await svc.trigger({ ownerId, graph: slowGraph(2_500), mode: 'manual' });
    const path = `${limited}/api/executions/${executionId}/stream`;

    // Act: reconnect as the hint says, until a stream ends without one.
    const streams: Awaited<ReturnType<typeof readFrames>>['frames'][] = [];
    do streams.push((await readFrames(path, token)).frames);
    while (streams.at(-1)!.at(-1)?.event === 'reconnect' && streams.length < 10);

    // Assess
    expect(streams.length).toBeGreaterThanOrEqual(2);
    expect(streams[0].at(-1)).toMatchObject({
      event: 'reconnect',
      retry: '1000',
      data: JSON.stringify({ id: executionId }),
    });
    expect(streams[0].at(-1)!.at).toBeLessThan(2_000);
    // Each stream starts with the current state; the last one ends with the finished run.
    for (const frames of streams)
      expect(JSON.parse(frames[0].data)).toMatchObject({ id: executionId });
    const end = streams.at(-1)!.at(-1)!;
    expect(end.event).toBe('execution');
    expect(JSON.parse(end.data)).toMatchObject({ status: 'succeeded' });
  });

  it("ends before the function's own timeout with the reconnect hint", async () => {
    // 11 s left at the start: the 10 s margin leaves the stream one second.
    const shortLived = await startStream({}, 11_000);
    const ownerId = randomUUID();
    const { executionId } = await svc.trigger({ ownerId, graph: slowGraph(5_000), mode: 'manual' });
    const started = Date.now();
    const { frames } = await readFrames(
      `${shortLived}/api/executions/${executionId}/stream`,
      await tokens.sign(ownerId),
    );
    expect(frames.at(-1)!.event).toBe('reconnect');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops following the execution as soon as the client goes away', async () => {
    const fnUrl = await startStreamUrl();
    const ownerId = randomUUID();
    const { executionId } = await svc.trigger({
      ownerId,
      graph: slowGraph(10_000),
      mode: 'manual',
    });
    const aborter = new AbortController();
    const res = await fetch(`${fnUrl.url}/api/executions/${executionId}/stream`, {
      headers: { authorization: `Bearer ${await tokens.sign(ownerId)}` },
      signal: aborter.signal,
    });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: execution');
    expect(fnUrl.running()).toBe(1);

    aborter.abort();

    // The invocation ends within a few polls, not when the 10 s run does.
    const left = Date.now();
    await waitFor(() => fnUrl.running() === 0 || undefined, { timeoutMs: 2_000, intervalMs: 10 });
    expect(Date.now() - left).toBeLessThan(1_000);
  });

  it('answers 404 on any other path and 405 on another method', async () => {
    const token = await tokens.sign(randomUUID());
    const other = await fetch(`${functionUrl}/api/executions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(404);
    const post = await fetch(`${functionUrl}/api/executions/${randomUUID()}/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('says it needs the Lambda runtime when called outside it', async () => {
    const handler = streamify(createStreamEntry({ env: {} }).handle, undefined) as () => unknown;
    await expect(handler()).rejects.toThrow(/Lambda runtime/);
  });
});
