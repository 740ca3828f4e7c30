import type { PlatformEvent } from '@flowgenie/contracts';
import { parseEvent } from '../envelope';

/**
 * Unwraps an SQS message body the way the Powertools EventBridge envelope does: the outer
 * EventBridge event, then our envelope in `detail`, validated against the catalog.
 * Throws InvalidEventError for anything else.
 */
export function eventFromSqsBody(body: string | undefined): PlatformEvent {
  let outer: unknown;
  try {
    outer = JSON.parse(body ?? '');
  } catch {
    return parseEvent(undefined);
  }
  const detail = (outer as { detail?: unknown; 'detail-type'?: unknown })?.detail;
  return parseEvent(detail ?? outer);
}
