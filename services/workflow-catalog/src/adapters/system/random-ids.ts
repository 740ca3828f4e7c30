import { randomBytes, randomUUID } from 'node:crypto';
import type { IdGenerator } from '../../ports/id-generator';

export const randomIds: IdGenerator = {
  workflowId: () => randomUUID(),
  hookId: () => randomBytes(24).toString('base64url'),
};
