import { z } from 'zod';
import { ValidationError, parseOrThrow } from '@flowgenie/platform';
import { catalogSchema, ListExecutionsQuerySchema } from '@flowgenie/contracts';
import type { ExecutionCursor, ExecutionFilter } from '../../ports/execution-store';

/** The catalog entry's query schema (`httpRoutes` in @flowgenie/contracts). */
const ListQuerySchema = catalogSchema('get', '/api/executions', 'query', ListExecutionsQuerySchema);

/** Parses `?workflowId=&status=&from=&to=&limit=&cursor=`; a bad field answers 400 naming it. */
export function parseListQuery(query: unknown): ExecutionFilter {
  const q = parseOrThrow(ListQuerySchema, query ?? {}, 'query');
  return {
    workflowId: q.workflowId,
    status: q.status,
    from: q.from,
    to: q.to,
    limit: q.limit,
    cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
  };
}

export function encodeCursor(c: ExecutionCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

function decodeCursor(raw: string): ExecutionCursor {
  try {
    const [t, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(t);
    if (
      typeof id === 'string' &&
      z.uuid().safeParse(id).success &&
      !Number.isNaN(createdAt.getTime())
    )
      return { createdAt, id };
  } catch {
    // fall through
  }
  throw new ValidationError('invalid query: cursor: not a cursor this API returned', [
    { path: 'cursor', message: 'not a cursor this API returned' },
  ]);
}
