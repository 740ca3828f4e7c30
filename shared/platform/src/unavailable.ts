/**
 * Recognises errors that mean "the database or Redis cannot be reached right now" (as opposed to a
 * bug or bad input), so the HTTP layer can answer 503 with `Retry-After` while it is down.
 */

/** Seconds a caller is told to wait (`Retry-After`) while a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Postgres SQLSTATEs: class 08 (connection exception), 57P0x (shutdown / cannot connect now), 53300 (too many connections). */
const PG_CODES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08P01',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);
/** Socket errors of a connection to a dependency. */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** Messages of pg, pg-pool and ioredis that carry no code. */
const MESSAGES = [
  /^Connection terminated/, // pg: "Connection terminated unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect/, // pg-pool: no connection within connectionTimeoutMillis
  /not queryable/, // pg: a client whose socket already failed
  /^Connection is closed/, // ioredis
  /^Stream isn't writeable/, // ioredis with the offline queue off
  /^Reached the max retries per request limit/, // ioredis MaxRetriesPerRequestError
];

/** True when `err` (or one of its causes) says a database or Redis connection failed. */
export function isDependencyUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, name, message, cause, errors } = e as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (PG_CODES.has(code) || NET_CODES.has(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true;
    queue.push(cause);
    // net.connect to a name with several addresses fails with an AggregateError.
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}
