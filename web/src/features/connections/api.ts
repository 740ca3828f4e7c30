import type {
  ConnectionOptionSource,
  ConnectionOptionsResponse,
  ConnectionResponse,
  CreateCredentialConnectionRequest,
  GoogleSignInConfigResponse,
  StartConnectionOAuthRequest,
} from '@flowgenie/contracts';
import { api } from '../../lib/api';

/** GET /api/auth/google/config: whether Google is offered, and whether the providers are local fakes. */
export type ProviderConfig = GoogleSignInConfigResponse;

export async function listConnections(): Promise<ConnectionResponse[]> {
  return (await api.get<{ items: ConnectionResponse[] }>('/api/connections')).items;
}

export function createCredentialConnection(
  body: CreateCredentialConnectionRequest,
): Promise<ConnectionResponse> {
  return api.post<ConnectionResponse>('/api/connections', body);
}

/** Starts a consent dance: the browser then goes to `authorizeUrl` (the provider's consent screen). */
export async function startConnectionOAuth(body: StartConnectionOAuthRequest): Promise<string> {
  return (await api.post<{ authorizeUrl: string }>('/api/connections/oauth/start', body))
    .authorizeUrl;
}

export function deleteConnection(id: string): Promise<void> {
  return api.delete(`/api/connections/${encodeURIComponent(id)}`);
}

export async function loadConnectionOptions(
  id: string,
  source: ConnectionOptionSource,
): Promise<ConnectionOptionsResponse['items']> {
  return (
    await api.get<ConnectionOptionsResponse>(
      `/api/connections/${encodeURIComponent(id)}/options/${encodeURIComponent(source)}`,
    )
  ).items;
}

export function getProviderConfig(): Promise<ProviderConfig> {
  return api.get<ProviderConfig>('/api/auth/google/config', { auth: false });
}
