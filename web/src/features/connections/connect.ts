import type { ConnectionProvider, StartConnectionOAuthRequest } from '@flowgenie/contracts';
import { describeError } from '../../lib/api-client';
import { startConnectionOAuth } from './api';
import { callbackErrorText } from './providers';

/**
 * How a consent dance started from the builder comes back. The OAuth callback always lands on
 * `/connections?connected=<id>` (or `?error=<code>`), in whatever window made the dance. That page
 * announces the outcome on this channel; a picker waiting for it answers `ack`, and the page then
 * knows it is the popup and closes itself. (The opener cannot watch the popup: the gateway's
 * Cross-Origin-Opener-Policy cuts the link once the popup visits the provider.)
 */
export const CONNECT_CHANNEL = 'flowgenie-connections';
/** Where to go back to after a consent dance that navigated away from the builder. */
export const RETURN_KEY = 'fg:connect-return';

export type ConnectOutcome =
  { kind: 'connected'; id: string } | { kind: 'error'; message: string } | { kind: 'cancelled' };

type ChannelMessage =
  | { type: 'outcome'; nonce: string; connected?: string; error?: string }
  | { type: 'ack'; nonce: string };

const channel = (): BroadcastChannel | null =>
  typeof BroadcastChannel === 'function' ? new BroadcastChannel(CONNECT_CHANNEL) : null;

/** Leaves the app for a provider's consent screen (a seam for tests: jsdom cannot navigate). */
export const browserWindow = {
  assign: (url: string) => window.location.assign(url),
  open: (url: string, name: string, features: string) => window.open(url, name, features),
};

/** Starts the dance and sends this window to the consent screen (the Connections page). */
export async function connectByNavigating(
  provider: ConnectionProvider,
  opts: { reconnectId?: string; returnTo?: string } = {},
): Promise<void> {
  const authorizeUrl = await startConnectionOAuth({
    provider: provider as StartConnectionOAuthRequest['provider'],
    reconnectId: opts.reconnectId,
  });
  if (opts.returnTo) {
    try {
      sessionStorage.setItem(RETURN_KEY, opts.returnTo);
    } catch {
      // no storage: the user finds the way back through the menu
    }
  }
  browserWindow.assign(authorizeUrl);
}

export interface PopupConnect {
  /** Resolves when the popup reports back, or `cancelled` when `cancel()` is called. */
  outcome: Promise<ConnectOutcome>;
  cancel(): void;
}

/**
 * Starts the dance in a popup so the builder keeps its state. Must be called from a click (popup
 * blockers). When the popup is blocked, falls back to navigating this window.
 */
export function connectInPopup(
  provider: ConnectionProvider,
  opts: { reconnectId?: string; returnTo?: string } = {},
): PopupConnect {
  const popup = browserWindow.open('about:blank', 'fg-connect', 'popup,width=520,height=680');
  const bc = channel();
  let settle: (o: ConnectOutcome) => void = () => undefined;
  const outcome = new Promise<ConnectOutcome>((resolve) => (settle = resolve));
  const finish = (o: ConnectOutcome) => {
    bc?.close();
    settle(o);
  };
  if (bc) {
    bc.onmessage = (e: MessageEvent<ChannelMessage>) => {
      const m = e.data;
      if (m?.type !== 'outcome') return;
      bc.postMessage({ type: 'ack', nonce: m.nonce } satisfies ChannelMessage);
      finish(
        m.connected
          ? { kind: 'connected', id: m.connected }
          : { kind: 'error', message: callbackErrorText(m.error ?? 'unknown_error') },
      );
    };
  }
  startConnectionOAuth({
    provider: provider as StartConnectionOAuthRequest['provider'],
    reconnectId: opts.reconnectId,
  }).then(
    (url) => {
      if (popup && !popup.closed) popup.location.href = url;
      else void connectByNavigating(provider, opts);
    },
    (err: unknown) => {
      popup?.close();
      finish({ kind: 'error', message: describeError(err) });
    },
  );
  return { outcome, cancel: () => finish({ kind: 'cancelled' }) };
}

/**
 * On `/connections?connected=…|error=…`: tells a waiting picker (in the window that opened this
 * one) the outcome. Resolves true when one acknowledged it, i.e. this window is its popup.
 */
export function announceOutcome(
  outcome: { connected?: string; error?: string },
  waitMs = 400,
): Promise<boolean> {
  const bc = channel();
  if (!bc) return Promise.resolve(false);
  const nonce = Math.random().toString(36).slice(2);
  return new Promise<boolean>((resolve) => {
    const done = (acked: boolean) => {
      clearTimeout(timer);
      bc.close();
      resolve(acked);
    };
    const timer = setTimeout(() => done(false), waitMs);
    bc.onmessage = (e: MessageEvent<ChannelMessage>) => {
      if (e.data?.type === 'ack' && e.data.nonce === nonce) done(true);
    };
    bc.postMessage({ type: 'outcome', nonce, ...outcome } satisfies ChannelMessage);
  });
}

/** The builder page to go back to after a navigated dance (once), if one was saved. */
export function takeReturnPath(): string | null {
  try {
    const to = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    return to && to.startsWith('/') && !to.startsWith('//') ? to : null;
  } catch {
    return null;
  }
}
