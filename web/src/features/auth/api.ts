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

export function logout(): Promise<void> {
  return api.post<void>('/api/auth/logout', {}, { auth: false });
}

export function me(): Promise<User> {
  return api.get<User>('/api/auth/me');
}
