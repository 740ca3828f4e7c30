import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parses `value` with `schema`, or throws a ValidationError whose details name each field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request body',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || undefined,
    message: issue.message,
  }));
  const first = details[0];
  const where = first?.path ? `${first.path}: ` : '';
  throw new ValidationError(`invalid ${what}: ${where}${first?.message ?? 'bad input'}`, details);
}
