import { z } from 'zod';
import { ValidationError, parseOrThrow } from '@flowgenie/platform';
import { EXECUTION_STATUSES } from '../../domain/execution';
import type { ExecutionCursor, ExecutionFilter } from '../../ports/execution-store';

const instant = z
  .string()
  .refine(
    (v) =>
      /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) &&
      !Number.isNaN(Date.parse(v)),
    {
      message: 'must be an ISO 8601 date or date-time',
    },
  )
  .transform((v) => new Date(v));

const ListQuerySchema = z
  .object({
    workflowId: z.uuid({ error: 'must be a UUID' }).optional(),
    status: z
      .enum(EXECUTION_STATUSES, { error: `must be one of ${EXECUTION_STATUSES.join(', ')}` })
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100).default(20),
    cursor: z.string().max(500).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to < q.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

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
