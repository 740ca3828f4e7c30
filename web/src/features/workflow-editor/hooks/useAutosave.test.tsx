import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import { kindFor } from '../../../lib/graph';
import { useEditorStore } from '../store';
import { localDraftKey, useAutosave } from './useAutosave';

const workflow = (name: string) => ({
  id: 'wf',
  name,
  graph: { nodes: [], edges: [] },
  active: false,
  activeVersion: null,
  latestVersion: null,
  hookId: 'h',
  hookPath: '/hooks/h',
  createdAt: '',
  updatedAt: '',
  draftChangedSincePublish: true,
  validation: { ok: false, errors: [{ path: 'nodes', message: 'a workflow needs a trigger' }] },
  lastExecution: null,
  lastExecutionKnown: true,
});

describe('useAutosave', () => {
  beforeEach(() => {
    useEditorStore.getState().load('wf', 'Original', { nodes: [], edges: [] }, (t) => kindFor(t));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('saves edits after a pause and shows the server’s validation', async () => {
    const fetch = vi.fn(
      async (_url: string, init?: RequestInit) =>
        new Response(JSON.stringify(workflow(JSON.parse(String(init?.body)).name)), {
          status: 200,
        }),
    );
    vi.stubGlobal('fetch', fetch);
    renderHook(() => useAutosave('wf', true));

    act(() => useEditorStore.getState().setName('Renamed'));
    expect(useEditorStore.getState().saveState).toBe('unsaved');
    await waitFor(() => expect(useEditorStore.getState().saveState).toBe('saved'), {
      timeout: 3000,
    });

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/workflows/wf');
    expect(init?.method).toBe('PUT');
    expect(JSON.parse(String(init?.body))).toEqual({
      name: 'Renamed',
      graph: { nodes: [], edges: [] },
    });
    expect(useEditorStore.getState().validation.general).toEqual([
      'nodes: a workflow needs a trigger',
    ]);
    expect(localStorage.getItem(localDraftKey('wf'))).toBeNull();
  });

  it('keeps edits on the device while offline and saves them when the connection returns', async () => {
    let online = false;
    const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
      if (!online) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify(workflow(JSON.parse(String(init?.body)).name)), {
        status: 200,
      });
    });
    vi.stubGlobal('fetch', fetch);
    const { result } = renderHook(() => useAutosave('wf', true));

    act(() => useEditorStore.getState().setName('Edited offline'));
    await act(async () => {
      expect(await result.current.flush()).toBe(false);
    });
    expect(useEditorStore.getState().saveState).toBe('offline');
    expect(useEditorStore.getState().saveError).toMatch(/kept on this device/);
    expect(JSON.parse(localStorage.getItem(localDraftKey('wf')) ?? '{}').name).toBe(
      'Edited offline',
    );

    online = true;
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await waitFor(() => expect(useEditorStore.getState().saveState).toBe('saved'));
    expect(localStorage.getItem(localDraftKey('wf'))).toBeNull();
  });
});
