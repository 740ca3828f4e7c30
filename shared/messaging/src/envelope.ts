import { randomUUID } from 'node:crypto';
import {
  EventEnvelopeSchema,
  eventCatalog,
  isEventType,
  type EventData,
  type EventType,
  type PlatformEvent,
} from '@flowgenie/contracts';
import { currentCorrelationId } from '@flowgenie/platform';

export class InvalidEventError extends Error {
  readonly code = 'invalid_event';
}

/**
 * Builds a validated envelope. The correlation id is the current one (request or event being
 * handled), so it flows from the HTTP request through every event into each step's log.
 *
 * @example
 * const event = createEvent('workflow.deleted', { workflowId, ownerId }, { source: 'workflow-catalog' });
 */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  opts: { source: string; correlationId?: string; id?: string; time?: Date },
): PlatformEvent<T> {
  const def = eventCatalog[type];
  const envelope = {
    id: opts.id ?? randomUUID(),
    type,
    version: def.version,
    source: opts.source,
    time: (opts.time ?? new Date()).toISOString(),
    correlationId: opts.correlationId ?? currentCorrelationId() ?? randomUUID(),
    data,
  };
  return parseEvent(envelope) as PlatformEvent<T>;
}

/** Validates an envelope and its data against the catalog; throws InvalidEventError. */
export function parseEvent(raw: unknown): PlatformEvent {
  const envelope = EventEnvelopeSchema.safeParse(raw);
  if (!envelope.success)
    throw new InvalidEventError(`invalid event envelope: ${envelope.error.issues[0]?.message}`);
  const { type, version } = envelope.data;
  if (!isEventType(type)) throw new InvalidEventError(`unknown event type ${type}`);
  const def = eventCatalog[type];
  if (def.version !== version)
    throw new InvalidEventError(`unsupported version ${version} of ${type}`);
  const data = def.data.safeParse(envelope.data.data);
  if (!data.success) {
    const issue = data.error.issues[0];
    throw new InvalidEventError(
      `invalid ${type} data at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return { ...envelope.data, type, data: data.data } as PlatformEvent;
}
