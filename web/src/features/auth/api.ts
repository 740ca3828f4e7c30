import type { GoogleSignInConfigResponse, LinkGoogleResponse } from '@flowgenie/contracts';
import { api } from '../../lib/api';
import type { AuthResponse, User } from '../../lib/api-types';

/** Browser logins get the refresh token only as the httpOnly cookie, never in the body. */
export function login(email: string, password: string): Promise<AuthResponse> {
  return api.post<AuthResponse>(
    '/api/auth/login',
    { email, password, client: 'browser' },
    { auth: false },
  );
}

export function signup(email: string, password: string): Promise<AuthResponse> {
  return api.post<AuthResponse>(
    '/api/auth/signup',
    { email, password, client: 'browser' },
    { auth: false },
  );
}

/**
 * Ends this browser's session on the server: the refresh cookie goes along (every request is sent
 * with credentials) and so does the access token when there is one. No refresh-and-retry on 401
 * (`auth: false`): signing out must never start a new session.
 */
export function logout(): Promise<void> {
  const token = api.accessToken;
  return api.post<void>(
    '/api/auth/logout',
    {},
    { auth: false, headers: token ? { Authorization: `Bearer ${token}` } : undefined },
  );
}

export function me(): Promise<User> {
  return api.get<User>('/api/auth/me');
}

/** Whether "Sign in with Google" is offered (GET /api/auth/google/config); `fake`: the local fake. */
export type GoogleSignInConfig = GoogleSignInConfigResponse;

export function googleSignInConfig(): Promise<GoogleSignInConfig> {
  return api.get<GoogleSignInConfig>('/api/auth/google/config', { auth: false });
}

/** A full-page navigation, not a fetch: the server redirects to Google's consent screen. */
export const GOOGLE_START_URL = '/api/auth/google/start';

/** Links the Google account of a `/login?link=...` token to the user signed in just now. */
export function linkGoogle(linkToken: string): Promise<LinkGoogleResponse> {
  return api.post<LinkGoogleResponse>('/api/auth/google/link', { linkToken });
}
