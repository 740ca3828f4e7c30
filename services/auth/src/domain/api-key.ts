import type { ResourceScope } from '@flowgenie/contracts';

export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  /** What tokens exchanged from this key may do. */
  scopes: ResourceScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
