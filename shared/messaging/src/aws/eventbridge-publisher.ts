import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { PlatformEvent } from '@flowgenie/contracts';
import { parseEvent } from '../envelope';
import type { EventPublisher } from '../ports';

/** PutEvents takes at most 10 entries per call... */
const BATCH = 10;
/** ...whose sizes together stay under 256 KB (an entry alone too). */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;

/** An event whose entry exceeds what EventBridge accepts: it can never be published as it is. */
export class EventTooLargeError extends Error {
  constructor(
    readonly eventId: string,
    readonly eventType: string,
    readonly bytes: number,
  ) {
    super(
      `event ${eventType} ${eventId} is ${bytes} bytes, over EventBridge's ${PUT_EVENTS_MAX_BYTES}-byte entry limit: large data must travel by reference (payload store)`,
    );
    this.name = 'EventTooLargeError';
  }
}

/** The entry's size as EventBridge counts it (Time 14 bytes; Source, DetailType, Detail in UTF-8). */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  return (
    (entry.Time ? 14 : 0) +
    Buffer.byteLength(entry.Source ?? '') +
    Buffer.byteLength(entry.DetailType ?? '') +
    Buffer.byteLength(entry.Detail ?? '') +
    (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0)
  );
}

/**
 * Publishes to an EventBridge bus: `DetailType` = event type, `Source` = producing service,
 * `Detail` = the whole envelope (so SQS consumers see the same envelope as the local bus gives).
 * Entries the bus reports as failed (FailedEntryCount) are retried with backoff; if some still
 * fail, publish throws and the outbox keeps them for the next relay round.
 *
 * @example
 * const publisher = new EventBridgePublisher({ client: new EventBridgeClient({}), busName: 'flowgenie-dev' });
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly opts: {
      client: EventBridgeClient;
      busName: string;
      maxAttempts?: number;
      retryDelayMs?: number;
    },
  ) {}

  async publish(events: PlatformEvent[]): Promise<void> {
    const entries = events.map((raw) => {
      const event = parseEvent(raw);
      return {
        EventBusName: this.opts.busName,
        Source: `flowgenie.${event.source}`,
        DetailType: event.type,
        Time: new Date(event.time),
        Detail: JSON.stringify(event),
      } satisfies PutEventsRequestEntry;
    });
    // An entry over the limit is refused before any entry is sent: the outbox keeps them all (and
    // says why) instead of publishing the ones before it again on every relay round.
    const sizes = entries.map(putEventsEntrySize);
    for (const [i, size] of sizes.entries())
      if (size > PUT_EVENTS_MAX_BYTES)
        throw new EventTooLargeError(events[i].id, events[i].type, size);
    // Batches of at most 10 entries and 256 KB, in order.
    let batch: PutEventsRequestEntry[] = [];
    let bytes = 0;
    for (const [i, entry] of entries.entries()) {
      if (batch.length === BATCH || bytes + sizes[i] > PUT_EVENTS_MAX_BYTES) {
        await this.putWithRetry(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(entry);
      bytes += sizes[i];
    }
    if (batch.length > 0) await this.putWithRetry(batch);
  }

  private async putWithRetry(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    const maxAttempts = this.opts.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const out = await this.opts.client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      // Result entries are positional: keep the ones that carry an error code.
      const failed = pending.filter((_, i) => out.Entries?.[i]?.ErrorCode);
      if (attempt >= maxAttempts) {
        const first = out.Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `EventBridge rejected ${failed.length} event(s): ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`.trim(),
        );
      }
      pending = failed;
      await new Promise((r) => setTimeout(r, (this.opts.retryDelayMs ?? 100) * 2 ** (attempt - 1)));
    }
  }

  async close(): Promise<void> {
    this.opts.client.destroy();
  }
}
