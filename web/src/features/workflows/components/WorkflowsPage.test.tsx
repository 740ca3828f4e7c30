import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { WorkflowSummary } from '../../../lib/api-types';
import { WorkflowsPage } from './WorkflowsPage';

const ID = '11111111-1111-4111-8111-111111111111';
const RUN = '22222222-2222-4222-8222-222222222222';

const listed: WorkflowSummary = {
  id: ID,
  name: 'Nightly report',
  description: '',
  active: false,
  activeVersion: null,
  latestVersion: 1,
  hookId: 'h'.repeat(32),
  hookPath: `/hooks/${'h'.repeat(32)}`,
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
  draftChangedSincePublish: false,
  validation: { ok: true, errors: [] },
  lastExecution: { id: RUN, status: 'failed', at: new Date(Date.now() - 60_000).toISOString() },
  lastExecutionKnown: true,
};

/** The catalog's answers: the list asks for the last run; activate does not, so leaves it out. */
function fakeCatalog() {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      const json = (body: unknown) =>
        new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      if (method === 'GET' && url.startsWith('/api/workflows?'))
        return json({ items: [listed], nextCursor: null });
      if (method === 'POST' && url === `/api/workflows/${ID}/activate`) {
        const { lastExecution: _, lastExecutionKnown: __, ...rest } = listed;
        return json({ ...rest, active: true, activeVersion: 1 });
      }
      return new Response('{}', { status: 404 });
    }),
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('the workflows list', () => {
  it('still shows the last run after activating a workflow', async () => {
    fakeCatalog();
    render(
      <MemoryRouter>
        <WorkflowsPage />
      </MemoryRouter>,
    );
    const lastRun = await screen.findByRole('link', { name: /failed/i });
    expect(lastRun).toHaveAttribute('href', `/executions/${RUN}`);

    await userEvent.click(screen.getByTestId(`workflow-active-${ID}`));
    await waitFor(() => expect(screen.getByText('v1')).toBeInTheDocument());
    expect(screen.getByRole('link', { name: /failed/i })).toHaveAttribute(
      'href',
      `/executions/${RUN}`,
    );
    expect(screen.queryByText('Never run')).not.toBeInTheDocument();
  });
});
