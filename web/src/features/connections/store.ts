import { create } from 'zustand';
import type { ConnectionOptionSource, ConnectionResponse } from '@flowgenie/contracts';
import { describeError } from '../../lib/api-client';
import { useSessionStore } from '../auth';
import { getProviderConfig, listConnections, loadConnectionOptions } from './api';

export interface OptionItem {
  value: string;
  label: string;
}

export interface OptionsEntry {
  status: 'loading' | 'ready' | 'error';
  items: OptionItem[];
  error: string | null;
}

interface ConnectionsState {
  items: ConnectionResponse[] | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Whether Google and Slack are the local fakes (null: not known yet). */
  fake: boolean | null;
  /** Option lists by `<connection id>|<source>`. */
  options: Record<string, OptionsEntry>;
  /** Loads the user's connections (again when `force`); concurrent calls share one request. */
  load(force?: boolean): Promise<void>;
  loadOptions(connectionId: string, source: ConnectionOptionSource, force?: boolean): Promise<void>;
  reset(): void;
}

export const optionsKey = (connectionId: string, source: string) => `${connectionId}|${source}`;

let inFlight: Promise<void> | null = null;
let configRequested = false;

/** The user's connections and the option lists loaded through them, shared by every picker. */
export const useConnectionsStore = create<ConnectionsState>()((set, get) => ({
  items: null,
  status: 'idle',
  error: null,
  fake: null,
  options: {},
  load: (force = false) => {
    if (!configRequested) {
      configRequested = true;
      getProviderConfig().then(
        (c) => set({ fake: c.fake === true }),
        () => set({ fake: false }),
      );
    }
    if (inFlight) return inFlight;
    if (!force && get().status === 'ready') return Promise.resolve();
    set({ status: 'loading', error: null });
    inFlight = listConnections()
      .then(
        (items) => set({ items, status: 'ready', error: null }),
        (err: unknown) => set({ status: 'error', error: describeError(err) }),
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  },
  loadOptions: async (connectionId, source, force = false) => {
    const key = optionsKey(connectionId, source);
    const current = get().options[key];
    if (current && (current.status === 'loading' || (current.status === 'ready' && !force))) return;
    const put = (entry: OptionsEntry) => set((s) => ({ options: { ...s.options, [key]: entry } }));
    put({ status: 'loading', items: current?.items ?? [], error: null });
    try {
      put({
        status: 'ready',
        items: await loadConnectionOptions(connectionId, source),
        error: null,
      });
    } catch (err) {
      put({ status: 'error', items: [], error: describeError(err) });
    }
  },
  reset: () => {
    inFlight = null;
    configRequested = false;
    set({ items: null, status: 'idle', error: null, fake: null, options: {} });
  },
}));

// Another user signing in in this tab must not see the previous user's connections.
useSessionStore.subscribe((s, prev) => {
  if (s.user?.id !== prev.user?.id) useConnectionsStore.getState().reset();
});
