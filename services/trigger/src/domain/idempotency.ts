import { InvalidRequestError } from './errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 200;

/**
 * The caller's Idempotency-Key, checked: 1..200 visible ASCII characters. Undefined when the
 * caller sent none (the request id is used then, so every call is its own firing).
 */
export function callerIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = header.trim();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new InvalidRequestError(
      `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters`,
      'headers.idempotency-key',
    );
  }
  return key;
}

/**
 * Firing keys are scoped by mode and workflow, so a caller's key never collides with another
 * workflow's (the executor may dedupe on the key alone) nor with a schedule firing.
 */
export const webhookFiringKey = (workflowId: string, key: string) => `webhook:${workflowId}:${key}`;
export const manualFiringKey = (workflowId: string, key: string) => `manual:${workflowId}:${key}`;
/** As the architecture fixes it: trigger id + version + planned time, so a duplicate firing dedupes. */
export const scheduleFiringKey = (workflowId: string, version: number, scheduledAt: Date) =>
  `schedule:${workflowId}:${version}:${scheduledAt.toISOString()}`;
