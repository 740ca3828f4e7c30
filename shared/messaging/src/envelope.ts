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
  opts: EnvelopeOptions,
): PlatformEvent<T> {
  return parseEvent(envelopeOf(type, data, opts)) as PlatformEvent<T>;
}

type EnvelopeOptions = { source: string; correlationId?: string; id?: string; time?: Date };

/**
 * The envelope of `data` as {@link createEvent} builds it, without validating it again: for a hot
 * path whose data was validated where it entered the service (a schedule firing built from its
 * stored trigger). The bus still validates it when it is published and again on receipt.
 */
export function envelopeOf<T extends EventType>(
  type: T,
  data: EventData<T>,
  opts: EnvelopeOptions,
): PlatformEvent<T> {
  return {
    id: opts.id ?? randomUUID(),
    type,
    version: eventCatalog[type].version,
    source: opts.source,
    time: (opts.time ?? new Date()).toISOString(),
    correlationId: opts.correlationId ?? currentCorrelationId() ?? randomUUID(),
    data,
  } as PlatformEvent<T>;
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
