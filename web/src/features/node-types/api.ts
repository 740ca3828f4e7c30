import { api } from '../../lib/api';
import type { NodeTypeInfo } from '../../lib/api-types';

export async function fetchNodeTypes(): Promise<NodeTypeInfo[]> {
  const res = await api.get<{ items: NodeTypeInfo[] }>('/api/node-types');
  return res.items;
}
