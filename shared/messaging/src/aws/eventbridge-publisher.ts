import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PlatformEvent } from '@flowgenie/contracts';
import { parseEvent } from '../envelope';
import type { EventPublisher } from '../ports';

/** PutEvents takes at most 10 entries per call. */
const BATCH = 10;

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
    private readonly opts: { client: EventBridgeClient; busName: string; maxAttempts?: number; retryDelayMs?: number },
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
    for (let i = 0; i < entries.length; i += BATCH) {
      await this.putWithRetry(entries.slice(i, i + BATCH));
    }
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
        throw new Error(`EventBridge rejected ${failed.length} event(s): ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`.trim());
      }
      pending = failed;
      await new Promise((r) => setTimeout(r, (this.opts.retryDelayMs ?? 100) * 2 ** (attempt - 1)));
    }
  }

  async close(): Promise<void> {
    this.opts.client.destroy();
  }
}
