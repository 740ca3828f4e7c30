import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import type { ExecutionSummary } from '../../../lib/api-types';
import { ExecutionsPage } from './ExecutionsPage';

const WF = '11111111-1111-4111-8111-111111111111';

function anExecution(id: string, over: Partial<ExecutionSummary>): ExecutionSummary {
  return {
    id,
    workflowId: WF,
    ownerId: '33333333-3333-4333-8333-333333333333',
    version: null,
    mode: 'manual',
    status: 'succeeded',
    error: null,
    stepTest: null,
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: '2026-11-30T10:00:00.000Z',
    finishedAt: '2026-11-30T10:00:01.000Z',
    durationMs: 1000,
    ...over,
  };
}

const STEP = '22222222-2222-4222-8222-000000000001';
const DRAFT = '22222222-2222-4222-8222-000000000002';
const PUBLISHED = '22222222-2222-4222-8222-000000000003';

afterEach(() => vi.unstubAllGlobals());

describe('the execution history', () => {
  it('labels a "Run this step" run with its step, apart from whole test runs', async () => {
    const items = [
      anExecution(STEP, { stepTest: { nodeId: 'sum', name: 'Sum the order' } }),
      anExecution(DRAFT, {}),
      anExecution(PUBLISHED, { version: 3, mode: 'webhook' }),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        const body = url.startsWith('/api/executions')
          ? { items, nextCursor: null }
          : { items: [], nextCursor: null };
        return new Response(JSON.stringify(body), {
          headers: { 'content-type': 'application/json' },
        });
      }),
    );
    render(
      <MemoryRouter>
        <ExecutionsPage />
      </MemoryRouter>,
    );

    expect(await screen.findByTestId(`execution-kind-${STEP}`)).toHaveTextContent(
      'Step test: Sum the order',
    );
    expect(screen.getByTestId(`execution-kind-${DRAFT}`)).toHaveTextContent('draft (test run)');
    expect(screen.getByTestId(`execution-kind-${PUBLISHED}`)).toHaveTextContent('v3');
  });
});
