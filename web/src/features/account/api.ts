import { api } from '../../lib/api';
import type { ApiKey, CreatedApiKey } from '../../lib/api-types';

export async function listApiKeys(): Promise<ApiKey[]> {
  return (await api.get<{ items: ApiKey[] }>('/api/auth/api-keys')).items;
}

export function createApiKey(name: string): Promise<CreatedApiKey> {
  return api.post<CreatedApiKey>('/api/auth/api-keys', { name });
}

export function revokeApiKey(id: string): Promise<void> {
  return api.delete(`/api/auth/api-keys/${encodeURIComponent(id)}`);
}
