import { vi } from 'vitest';
import type { ConnectionResponse } from '@flowgenie/contracts';
import { useConnectionsStore } from './store';

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
}

type Answer = { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;
type Handler = (call: ApiCall) => Answer;

/**
 * Answers the app's API calls in a component test: `routes` maps `METHOD /path` to an answer
 * (fetch is stubbed globally); unknown routes answer 404. `calls` records every request.
 */
export function fakeApi(routes: Record<string, Handler>): { calls: ApiCall[] } {
  const calls: ApiCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const call: ApiCall = {
        method: init?.method ?? 'GET',
        path: url,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(call);
      const handler = routes[`${call.method} ${call.path}`];
      const answer = handler
        ? await handler(call)
        : { status: 404, body: { error: { code: 'not_found', message: 'no route' } } };
      const status = answer.status ?? 200;
      return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  useConnectionsStore.getState().reset();
  return { calls };
}

export function aConnection(over: Partial<ConnectionResponse> = {}): ConnectionResponse {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    provider: 'google',
    name: 'alice@example.com',
    account: 'alice@example.com',
    status: 'healthy',
    statusReason: null,
    scopes: [],
    createdAt: '2026-11-30T10:00:00.000Z',
    lastUsedAt: null,
    ...over,
  };
}
