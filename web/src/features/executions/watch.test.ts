// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError } from '../../lib/api-client';
import type { Execution } from '../../lib/api-types';
import { watchExecution } from './watch';

const exec = (status: Execution['status']): Execution => ({
  id: 'ex1',
  workflowId: 'wf',
  ownerId: 'u',
  version: null,
  mode: 'manual',
  status,
  error: null,
  stepTest: null,
  createdAt: '',
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  steps: [],
});

function sseResponse(events: Execution[]): Response {
  const body = events.map((e) => `event: execution\ndata: ${JSON.stringify(e)}\n\n`).join('');
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

describe('watchExecution', () => {
  it('follows the stream until the execution finishes', async () => {
    const seen: string[] = [];
    const getExecution = vi.fn();
    const last = await watchExecution('ex1', {
      signal: new AbortController().signal,
      onUpdate: (e) => seen.push(e.status),
      deps: {
        getExecution,
        openExecutionStream: async () => sseResponse([exec('running'), exec('succeeded')]),
      },
    });
    expect(seen).toEqual(['running', 'succeeded']);
    expect(last?.status).toBe('succeeded');
    expect(getExecution).not.toHaveBeenCalled();
  });

  it('reopens the stream when the server asks it to reconnect (its time limit), without polling', async () => {
    const streams = [
      new Response(
        `event: execution\ndata: ${JSON.stringify(exec('running'))}\n\n` +
          'retry: 1000\nevent: reconnect\ndata: {"id":"ex1"}\n\n',
        { status: 200 },
      ),
      sseResponse([exec('running'), exec('succeeded')]),
    ];
    const openExecutionStream = vi.fn(async () => streams.shift()!);
    const getExecution = vi.fn();
    const modes: string[] = [];
    const last = await watchExecution('ex1', {
      signal: new AbortController().signal,
      onUpdate: () => undefined,
      onMode: (m) => modes.push(m),
      deps: { getExecution, openExecutionStream },
    });
    expect(last?.status).toBe('succeeded');
    expect(openExecutionStream).toHaveBeenCalledTimes(2);
    expect(getExecution).not.toHaveBeenCalled();
    expect(modes).not.toContain('polling');
    expect(modes.at(-1)).toBe('done');
  });

  it('polls while the new execution is not created yet (404), then finishes by polling', async () => {
    const answers: Array<Execution | Error> = [
      new ApiError(404, 'not_found', 'nope'),
      new NetworkError(),
      exec('running'),
      exec('failed'),
    ];
    const modes: string[] = [];
    const last = await watchExecution('ex1', {
      signal: new AbortController().signal,
      pollMs: 1,
      onUpdate: () => undefined,
      onMode: (m) => modes.push(m),
      deps: {
        openExecutionStream: async () =>
          new Response('{"error":{"code":"not_found","message":""}}', { status: 404 }),
        getExecution: async () => {
          const next = answers.shift();
          if (next instanceof Error) throw next;
          return next as Execution;
        },
      },
    });
    expect(last?.status).toBe('failed');
    expect(modes).toContain('polling');
    expect(modes).toContain('reconnecting');
    expect(modes[modes.length - 1]).toBe('done');
  });

  it('falls back to polling when the stream drops before the end', async () => {
    const polled = vi.fn(async () => exec('succeeded'));
    const last = await watchExecution('ex1', {
      signal: new AbortController().signal,
      pollMs: 1,
      onUpdate: () => undefined,
      deps: {
        openExecutionStream: async () => sseResponse([exec('running')]),
        getExecution: polled,
      },
    });
    expect(last?.status).toBe('succeeded');
    expect(polled).toHaveBeenCalled();
  });
});
