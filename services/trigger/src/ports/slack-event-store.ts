/** A Slack Events API delivery as kept (the envelope Slack sent, parsed). */
export interface StoredSlackEvent {
  eventId: string;
  teamId: string;
  body: Record<string, unknown>;
  processedAt: Date | null;
}

/**
 * Slack deliveries by `event_id`: the first one is kept, Slack's retries of it are not.
 *
 * @example
 * if (await events.insertIfNew({ eventId, teamId, body })) queueProcessing(eventId);
 */
export interface SlackEventStore {
  insertIfNew(event: {
    eventId: string;
    teamId: string;
    body: Record<string, unknown>;
  }): Promise<boolean>;
  find(eventId: string): Promise<StoredSlackEvent | undefined>;
  markProcessed(eventId: string, now: Date): Promise<void>;
  /** Unprocessed deliveries received before `before` (a restart's leftovers), oldest first. */
  pending(before: Date, limit: number): Promise<string[]>;
  /** Drops processed deliveries received before `before` (Slack stops retrying within hours). */
  prune(before: Date): Promise<number>;
}
