import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { kindFor } from '../../../lib/graph';
import { useEditorStore } from '../store';
import { TestWebhookSection } from './TestWebhookSection';

const waitingListener = {
  listenerId: 'l1',
  workflowId: 'wf',
  testUrl: 'https://localhost/hooks/test/l1',
  status: 'waiting',
  expiresAt: new Date(Date.now() + 120_000).toISOString(),
};

describe('TestWebhookSection', () => {
  let fetch: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    useEditorStore.getState().load('wf', 'Hooked', { nodes: [], edges: [] }, (t) => kindFor(t));
    fetch = vi.fn(async (_url: string, init?: RequestInit) =>
      init?.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : new Response(JSON.stringify(waitingListener), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetch);
  });
  afterEach(() => vi.unstubAllGlobals());

  const calls = () =>
    fetch.mock.calls.map(
      ([url, init]) => `${(init as RequestInit | undefined)?.method ?? 'GET'} ${url}`,
    );

  it('stops a waiting listener on the server when its panel closes', async () => {
    const { unmount } = render(<TestWebhookSection nodeId="hook" />);
    fireEvent.click(screen.getByTestId('test-webhook-listen'));
    await screen.findByTestId('test-webhook-waiting');
    unmount();
    await waitFor(() => expect(calls()).toContain('DELETE /api/workflows/wf/test-webhook/l1'));
  });

  it('leaves the server alone when the panel closes with nothing listening', async () => {
    const { unmount } = render(<TestWebhookSection nodeId="hook" />);
    unmount();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls()).toEqual([]);
  });
});
