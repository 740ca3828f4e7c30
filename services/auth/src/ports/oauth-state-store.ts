import type { OAuthConnectionProvider } from '../domain/connections/oauth';

/** What the server remembers between the start of a consent dance and its callback. */
export interface PendingOAuth {
  ownerId: string;
  provider: OAuthConnectionProvider;
  name?: string;
  reconnectId?: string;
  codeVerifier: string;
  /** sha256 of the browser-binding cookie's value. */
  browserBindingHash: string;
  /** The generic provider's client, the secret sealed (oauth2_authorization_code only). */
  client?: {
    authorizationUrl: string;
    tokenUrl: string;
    clientId: string;
    sealedClientSecret: string;
    scope?: string;
  };
  /** Epoch ms. */
  createdAt: number;
}

/** Short-lived, single-use storage of pending consent dances, keyed by the state's hash. */
export interface OAuthStateStore {
  put(stateHash: string, pending: PendingOAuth, ttlSeconds: number): Promise<void>;
  /** Returns and forgets it: a state works once. */
  take(stateHash: string): Promise<PendingOAuth | undefined>;
}
