/** The form of every id the platform makes (a UUID, any version, either case). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` can be an id of the platform: a path or cursor id that is not one names nothing
 * (404 at once, and no query with a malformed uuid).
 *
 * @example
 * if (!isUuid(req.params.id)) throw new WorkflowNotFoundError();
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
