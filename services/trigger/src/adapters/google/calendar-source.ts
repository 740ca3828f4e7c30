import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import type {
  CalendarEventConfig,
  CalendarEventPayload,
  CalendarTriggerMode,
} from '@flowgenie/integrations/triggers';
import {
  CALENDAR_CLOCK_MARGIN_MS,
  calendarChangesToFire,
  eventsStartingWithin,
  type CalendarEventLike,
} from '../../domain/integration-trigger';
import type { PollInput, PollResult, PollSource, PolledItem } from '../../ports/provider-sources';
import { googleStatus } from '@flowgenie/integrations/actions';
import { providerError } from './google-errors';

/** A listing of more pages than this (250 events each) is refused rather than held in memory. */
const MAX_PAGES = 40;

interface CalendarCursor {
  syncToken: string;
  /** The calendar's last modification time at the previous sync (Google's clock): later is new. */
  syncedAt: string;
}

type ApiEvent = calendar_v3.Schema$Event & CalendarEventLike;

/**
 * Calendar changes through googleapis. created/updated: events.list with the stored sync token
 * (the first poll only takes a token, so existing events never fire); 410 (token no longer
 * valid) means a full resync, whose events are judged against the previous sync's time and
 * deduped by key. starting_within: the events starting in the next N minutes, keyed by event and
 * start time, so each fires once per start time (a moved event fires again).
 */
export class CalendarPollSource implements PollSource<CalendarEventConfig> {
  constructor(private readonly opts: { rootUrl: string; fetch?: typeof fetch }) {}

  private client(token: string): calendar_v3.Calendar {
    return calendarApi({
      version: 'v3',
      rootUrl: this.opts.rootUrl,
      retry: false,
      headers: { Authorization: `Bearer ${token}` },
      fetchImplementation: this.opts.fetch ?? fetch,
    });
  }

  async poll(input: PollInput<CalendarEventConfig>): Promise<PollResult> {
    const calendar = this.client(input.token);
    const { calendarId, mode } = input.settings;
    try {
      if (mode === 'starting_within') {
        const res = await calendar.events.list({
          calendarId,
          timeMin: input.now.toISOString(),
          timeMax: new Date(
            input.now.getTime() + input.settings.minutesBefore * 60_000,
          ).toISOString(),
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: 250,
        });
        const due = eventsStartingWithin(
          (res.data.items ?? []) as ApiEvent[],
          input.now,
          input.settings.minutesBefore,
        );
        return {
          items: due.map(({ key, event }) => toItem(key, 'starting_within', calendarId, event)),
          cursor: { checkedAt: input.now.toISOString() },
        };
      }
      const cursor = input.cursor as Partial<CalendarCursor> | null;
      let listed: { events: ApiEvent[]; syncToken: string; updated?: string };
      try {
        listed = await this.list(calendar, calendarId, cursor?.syncToken);
      } catch (err) {
        if (googleStatus(err) !== 410 || !cursor?.syncToken) throw err;
        listed = await this.list(calendar, calendarId, undefined);
      }
      const syncedAt =
        listed.updated ?? new Date(input.now.getTime() - CALENDAR_CLOCK_MARGIN_MS).toISOString();
      const next = { syncToken: listed.syncToken, syncedAt };
      if (!cursor?.syncToken || !cursor.syncedAt) return { items: [], cursor: next };
      const changes = calendarChangesToFire(mode, listed.events, new Date(cursor.syncedAt));
      return {
        items: changes.map(({ key, event }) => toItem(key, mode, calendarId, event)),
        cursor: next,
      };
    } catch (err) {
      throw providerError(err, 'Google Calendar');
    }
  }

  private async list(
    calendar: calendar_v3.Calendar,
    calendarId: string,
    syncToken: string | undefined,
  ): Promise<{ events: ApiEvent[]; syncToken: string; updated?: string }> {
    const events: ApiEvent[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const res = await calendar.events.list({
        calendarId,
        maxResults: 250,
        ...(syncToken ? { syncToken } : { showDeleted: true }),
        ...(pageToken ? { pageToken } : {}),
      });
      events.push(...((res.data.items ?? []) as ApiEvent[]));
      pageToken = res.data.nextPageToken ?? undefined;
      if (!pageToken) {
        if (!res.data.nextSyncToken)
          throw new Error('Google Calendar ended a listing without a sync token');
        return {
          events,
          syncToken: res.data.nextSyncToken,
          updated: res.data.updated ?? undefined,
        };
      }
    }
    throw new Error('Google Calendar listing has too many pages');
  }
}

function toItem(
  key: string,
  reason: CalendarTriggerMode,
  calendarId: string,
  e: ApiEvent,
): PolledItem {
  const payload: CalendarEventPayload = {
    reason,
    calendarId,
    event: {
      id: e.id,
      status: e.status ?? 'confirmed',
      summary: e.summary ?? '',
      description: e.description ?? '',
      location: e.location ?? '',
      start: timeOf(e.start),
      end: timeOf(e.end),
      attendees: (e.attendees ?? []).map((a) => ({
        email: a.email ?? '',
        ...(a.responseStatus ? { responseStatus: a.responseStatus } : {}),
      })),
      organizer: e.organizer?.email ?? '',
      created: e.created ?? '',
      updated: e.updated ?? '',
      link: e.htmlLink ?? '',
    },
  };
  return { key, payload };
}

function timeOf(t: calendar_v3.Schema$EventDateTime | undefined) {
  return {
    ...(t?.dateTime ? { dateTime: t.dateTime } : {}),
    ...(t?.date ? { date: t.date } : {}),
    ...(t?.timeZone ? { timeZone: t.timeZone } : {}),
  };
}
