import { createHash } from 'node:crypto';

/**
 * Integration triggers (Gmail, Calendar, Slack): their per-workflow state, idempotency keys and
 * the pure rules that decide which provider items fire. No I/O.
 */
export const GMAIL_TRIGGER = 'gmail_new_message';
export const CALENDAR_TRIGGER = 'calendar_event';
export const SLACK_TRIGGER = 'slack_event';
export const POLLING_TYPES: readonly string[] = [GMAIL_TRIGGER, CALENDAR_TRIGGER];
export const INTEGRATION_TYPES: readonly string[] = [...POLLING_TYPES, SLACK_TRIGGER];

export const isPollingType = (type: string) => POLLING_TYPES.includes(type);
export const isIntegrationType = (type: string) => INTEGRATION_TYPES.includes(type);

/**
 * What this service keeps per activated integration trigger. `paused` stops polling (and Slack
 * firing) until the workflow is activated again or its connection is reconnected; `reason` says
 * why, for the trigger status API.
 */
export interface TriggerState {
  workflowId: string;
  type: string;
  connectionId: string | null;
  status: 'active' | 'paused';
  reason: string | null;
  cursorKey: string;
  cursor: Record<string, unknown> | null;
  generation: number;
  teamId: string | null;
  lastPolledAt: Date | null;
  lastError: string | null;
  updatedAt: Date;
}

const MAX_KEY = 300;

/**
 * The firing key of one provider item: trigger (workflow) id + the item's identity, so a repeated
 * or overlapping poll, a restart between firing and saving the cursor, or a Slack retry dedupes.
 * Long provider ids (Calendar allows 1024 characters) are hashed to fit the event's 300.
 */
export function itemFiringKey(type: string, workflowId: string, itemKey: string): string {
  const prefix = `${type.split('_')[0]}:${workflowId}:`;
  const key = prefix + itemKey;
  if (key.length <= MAX_KEY) return key;
  return `${prefix}sha256:${createHash('sha256').update(itemKey).digest('hex')}`;
}

/** What a cursor was built for: a change of any of these starts the cursor afresh. */
export function cursorKeyOf(type: string, config: Record<string, unknown>): string {
  const pick = (...names: string[]) => names.map((n) => config[n] ?? null);
  switch (type) {
    case GMAIL_TRIGGER:
      return JSON.stringify([type, ...pick('connectionId', 'query')]);
    case CALENDAR_TRIGGER:
      return JSON.stringify([type, ...pick('connectionId', 'calendarId', 'mode')]);
    default:
      return JSON.stringify([type, ...pick('connectionId')]);
  }
}

// ---- Calendar --------------------------------------------------------------------------------

export interface CalendarEventLike {
  id: string;
  status?: string | null;
  created?: string | null;
  updated?: string | null;
  start?: { dateTime?: string | null; date?: string | null } | null;
}

/**
 * Used when a listing does not say when the calendar last changed: an event created up to this
 * long before our clock's previous sync still counts as new (keys dedupe, so never twice).
 */
export const CALENDAR_CLOCK_MARGIN_MS = 2 * 60_000;

/** When an event starts, as its API value (dateTime, or date for all-day events). */
export const startOf = (e: CalendarEventLike): string | undefined =>
  e.start?.dateTime ?? e.start?.date ?? undefined;

/**
 * Which changed events fire, from a sync-token delta (or a full resync) since `since`: the
 * calendar's last modification time (Google's clock) at the previous successful sync, so an event
 * created after it did not exist then.
 * - `created`: not cancelled and created after `since`; once per event id.
 * - `updated`: changed after `since`, and either existed before it or was edited after its
 *   creation; once per (event id, updated time). Cancellations count (the payload's status says so).
 */
export function calendarChangesToFire<E extends CalendarEventLike>(
  mode: 'created' | 'updated',
  events: readonly E[],
  since: Date,
): Array<{ key: string; event: E }> {
  const threshold = since.getTime();
  const out: Array<{ key: string; event: E }> = [];
  for (const event of events) {
    const created = Date.parse(event.created ?? '');
    const updated = Date.parse(event.updated ?? '');
    if (mode === 'created') {
      if (event.status !== 'cancelled' && created > threshold)
        out.push({ key: `created:${event.id}`, event });
    } else {
      if (Number.isNaN(updated) || updated <= threshold) continue;
      const isNew = created > threshold && updated - created < 1000;
      if (!isNew) out.push({ key: `updated:${event.id}:${event.updated}`, event });
    }
  }
  return out;
}

/** Events starting in (now, now + minutes], once per event and start time. */
export function eventsStartingWithin<E extends CalendarEventLike>(
  events: readonly E[],
  now: Date,
  minutes: number,
): Array<{ key: string; event: E }> {
  const until = now.getTime() + minutes * 60_000;
  return events
    .filter((e) => e.status !== 'cancelled')
    .flatMap((event) => {
      const start = startOf(event);
      const at = start ? Date.parse(start.length === 10 ? `${start}T00:00:00Z` : start) : NaN;
      return at > now.getTime() && at <= until
        ? [{ key: `starting:${event.id}:${start}`, event }]
        : [];
    });
}

// ---- Slack -----------------------------------------------------------------------------------

export interface SlackEventFilter {
  eventTypes: readonly string[];
  channelId?: string;
  includeBotMessages: boolean;
}

/** Whether a Slack event passes a trigger's filters (type, channel, bots). */
export function slackEventMatches(
  filter: SlackEventFilter,
  event: Record<string, unknown>,
): boolean {
  if (typeof event.type !== 'string' || !filter.eventTypes.includes(event.type)) return false;
  if (filter.channelId) {
    const item = event.item as { channel?: unknown } | undefined;
    const channel = event.channel ?? item?.channel;
    const id = typeof channel === 'object' && channel ? (channel as { id?: unknown }).id : channel;
    if (id !== filter.channelId) return false;
  }
  if (!filter.includeBotMessages && event.type === 'message') {
    if (event.bot_id || event.subtype === 'bot_message') return false;
  }
  // Edits, deletions and joins arrive as message subtypes: only new messages start a workflow.
  if (event.type === 'message' && event.subtype && event.subtype !== 'bot_message') return false;
  return true;
}
