import { isUuid } from '@flowgenie/contracts';
import { InvalidInputError } from './errors';

/** Position in the list order (updated_at desc, id desc): the last item of the previous page. */
export interface ListPosition {
  updatedAt: Date;
  id: string;
}

/** An opaque cursor for keyset pagination (clients must not build or read it). */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(
    JSON.stringify([position.updatedAt.toISOString(), position.id]),
    'utf8',
  ).toString('base64url');
}

/** @throws InvalidInputError naming `cursor` when it is not one this service made. */
export function decodeCursor(cursor: string): ListPosition {
  const invalid = () =>
    new InvalidInputError('invalid cursor', [
      { path: 'cursor', message: 'is not a cursor this API returned' },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || !isUuid(id)) throw invalid();
  const updatedAt = new Date(at);
  if (Number.isNaN(updatedAt.getTime()) || updatedAt.toISOString() !== at) throw invalid();
  return { updatedAt, id };
}
