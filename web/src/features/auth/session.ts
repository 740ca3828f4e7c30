import { create } from 'zustand';
import { api } from '../../lib/api';
import { NetworkError } from '../../lib/api-client';
import type { AuthResponse, User } from '../../lib/api-types';
import * as authApi from './api';

export type SessionStatus = 'loading' | 'signedIn' | 'signedOut' | 'unreachable';

interface SessionState {
  status: SessionStatus;
  user: User | null;
  /** Shown on the sign-in page, e.g. why the user was sent back there. */
  notice: string | null;
  /** Restore the session from the refresh cookie (page load). */
  bootstrap: () => Promise<void>;
  signIn: (email: string, password: string) => Promise<void>;
  signUp: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** The refresh token was refused mid-session. */
  expire: (notice?: string) => void;
  clearNotice: () => void;
}

const signedIn = (res: AuthResponse) => {
  api.setAccessToken(res.accessToken);
  return { status: 'signedIn' as const, user: res.user, notice: null };
};

export const useSessionStore = create<SessionState>()((set, get) => ({
  status: 'loading',
  user: null,
  notice: null,
  bootstrap: async () => {
    set({ status: 'loading' });
    try {
      const res = await api.refresh();
      if (res) set(signedIn(res));
      else set({ status: 'signedOut', user: null });
    } catch (err) {
      set({ status: err instanceof NetworkError ? 'unreachable' : 'signedOut', user: null });
    }
  },
  signIn: async (email, password) => {
    set(signedIn(await authApi.login(email, password)));
  },
  signUp: async (email, password) => {
    set(signedIn(await authApi.signup(email, password)));
  },
  signOut: async () => {
    try {
      await authApi.logout();
    } finally {
      api.setAccessToken(null);
      set({ status: 'signedOut', user: null, notice: 'You have signed out.' });
    }
  },
  expire: (
    notice = 'Your session expired. Please sign in again; unsaved changes are kept on this device.',
  ) => {
    if (get().status !== 'signedIn') return;
    api.setAccessToken(null);
    set({ status: 'signedOut', user: null, notice });
  },
  clearNotice: () => set({ notice: null }),
}));

api.onSessionExpired(() => useSessionStore.getState().expire());
api.onRefreshed((res) => {
  const { user } = useSessionStore.getState();
  if (!user || user.id !== res.user.id) useSessionStore.setState({ user: res.user });
});
