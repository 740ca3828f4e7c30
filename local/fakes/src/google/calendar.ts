import { Router, type Request, type Response } from 'express';
import { escapeHtml, firstString, randomToken } from '../common';
import {
  badRequest,
  notFound,
  requireScope,
  requireToken,
  sendGoogleError,
  tokenOf,
} from './errors';
import type { GoogleAccount, GoogleOAuthStore } from './oauth-store';

/** An event as the Calendar API returns it; fields the fake does not know are kept as sent. */
export type CalendarEvent = Record<string, unknown> & {
  id: string;
  status: string;
  start: EventTime;
  end: EventTime;
  updated: string;
};

interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

interface StoredEvent {
  event: CalendarEvent;
  /** The calendar's change counter when this event last changed (for sync tokens). */
  changeSeq: number;
}

export class FakeCalendar {
  changeSeq = 0;
  readonly events = new Map<string, StoredEvent>();
  constructor(readonly owner: GoogleAccount) {}

  save(event: CalendarEvent): CalendarEvent {
    this.changeSeq += 1;
    this.events.set(event.id, { event, changeSeq: this.changeSeq });
    return event;
  }
}

export interface CalendarContext {
  store: GoogleOAuthStore;
  calendar(email: string): FakeCalendar;
  baseUrl(): string;
  now(): number;
  /** Tokens minted before this generation answer 410 (see invalidateSyncTokens). */
  syncGeneration(): number;
}

const C = 'https://www.googleapis.com/auth/calendar';
const READ_EVENTS = [C, `${C}.readonly`, `${C}.events`, `${C}.events.readonly`];
const WRITE_EVENTS = [C, `${C}.events`];
const READ_LIST = [C, `${C}.readonly`, `${C}.calendarlist`, `${C}.calendarlist.readonly`];

// Google's rule for client-chosen ids: base32hex characters, 5 to 1024 of them.
const EVENT_ID = /^[a-v0-9]{5,1024}$/;

function instant(time: EventTime | undefined): number {
  if (!time) return NaN;
  // All-day dates are taken as UTC midnight here (Google uses the calendar's time zone).
  return Date.parse(time.dateTime ?? `${time.date}T00:00:00Z`);
}

function validTime(value: unknown): value is EventTime {
  if (!value || typeof value !== 'object') return false;
  const t = value as EventTime;
  if (t.dateTime !== undefined)
    return typeof t.dateTime === 'string' && !Number.isNaN(Date.parse(t.dateTime));
  return typeof t.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(t.date);
}

function gone(res: Response, message: string, reason: string) {
  sendGoogleError(res, 410, message, reason);
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(value: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString()) as T;
  } catch {
    return undefined;
  }
}

interface SyncToken {
  c: string;
  s: number;
  g: number;
}

interface ListPageToken {
  o: number;
  s: number;
}

export function calendarRouter(ctx: CalendarContext): Router {
  const router = Router();
  router.use('/calendar/v3', requireToken(ctx.store));

  const owner = (res: Response) => ctx.store.accountBySub(tokenOf(res).sub)!;
  const calendarOf = (req: Request, res: Response): FakeCalendar | undefined => {
    const me = owner(res);
    const id = decodeURIComponent(String(req.params.calendarId)).toLowerCase();
    if (id !== 'primary' && id !== me.email) {
      notFound(res);
      return undefined;
    }
    return ctx.calendar(me.email);
  };

  const htmlLink = (calendar: FakeCalendar, id: string) =>
    `${ctx.baseUrl()}/calendar/event?eid=${Buffer.from(`${id} ${calendar.owner.email}`).toString('base64url')}`;

  /** Checks and shapes an event body; answers 400 and returns undefined when it is unusable. */
  const shape = (
    res: Response,
    calendar: FakeCalendar,
    body: Record<string, unknown>,
    existing?: CalendarEvent,
  ) => {
    if (!validTime(body.start) || !validTime(body.end)) {
      badRequest(
        res,
        body.end === undefined ? 'Missing end time.' : 'Invalid start or end time.',
        body.end === undefined ? 'required' : 'invalid',
      );
      return undefined;
    }
    if ('date' in body.start !== 'date' in body.end) {
      badRequest(res, 'Start and end times must either both be date or both be dateTime.');
      return undefined;
    }
    if (instant(body.end) < instant(body.start)) {
      badRequest(res, 'The specified time range is empty.', 'timeRangeEmpty');
      return undefined;
    }
    const attendees = Array.isArray(body.attendees)
      ? (body.attendees as Record<string, unknown>[]).map((a) => ({
          ...a,
          email: String(a.email ?? '').toLowerCase(),
          responseStatus: a.responseStatus ?? 'needsAction',
          ...(String(a.email ?? '').toLowerCase() === calendar.owner.email ? { self: true } : {}),
        }))
      : undefined;
    const now = new Date(ctx.now()).toISOString();
    const id =
      existing?.id ??
      (typeof body.id === 'string'
        ? body.id
        : randomToken(16)
            .toLowerCase()
            .replace(/[^a-v0-9]/g, '0'));
    const me = { email: calendar.owner.email, self: true };
    const event: CalendarEvent = {
      ...body,
      kind: 'calendar#event',
      etag: `"${Date.now()}${calendar.changeSeq}"`,
      id,
      status: typeof body.status === 'string' ? body.status : 'confirmed',
      htmlLink: htmlLink(calendar, id),
      created: existing?.created ?? now,
      updated: now,
      creator: existing?.creator ?? me,
      organizer: existing?.organizer ?? me,
      start: body.start,
      end: body.end,
      iCalUID: existing?.iCalUID ?? `${id}@google.com`,
      sequence: existing ? Number(existing.sequence ?? 0) + 1 : 0,
      reminders: body.reminders ?? { useDefault: true },
      eventType: body.eventType ?? 'default',
      ...(attendees ? { attendees } : {}),
    };
    return event;
  };

  router.get('/calendar/v3/users/me/calendarList', requireScope(...READ_LIST), (_req, res) => {
    const me = owner(res);
    res.json({
      kind: 'calendar#calendarList',
      etag: '"fake"',
      items: [
        {
          kind: 'calendar#calendarListEntry',
          etag: '"fake"',
          id: me.email,
          summary: me.email,
          timeZone: me.timeZone,
          colorId: '1',
          backgroundColor: '#9fe1e7',
          foregroundColor: '#000000',
          selected: true,
          accessRole: 'owner',
          defaultReminders: [],
          primary: true,
        },
      ],
    });
  });

  const events = '/calendar/v3/calendars/:calendarId/events';

  router.post(events, requireScope(...WRITE_EVENTS), (req, res) => {
    const calendar = calendarOf(req, res);
    if (!calendar) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.id !== undefined) {
      if (typeof body.id !== 'string' || !EVENT_ID.test(body.id))
        return badRequest(res, 'Invalid resource id value.');
      if (calendar.events.has(body.id))
        return sendGoogleError(res, 409, 'The requested identifier already exists.', 'duplicate');
    }
    const event = shape(res, calendar, body);
    if (event) res.json(calendar.save(event));
  });

  router.get(`${events}/:eventId`, requireScope(...READ_EVENTS), (req, res) => {
    const calendar = calendarOf(req, res);
    if (!calendar) return;
    const stored = calendar.events.get(String(req.params.eventId));
    if (!stored) return notFound(res);
    res.json(stored.event);
  });

  const replace = (merge: boolean) => (req: Request, res: Response) => {
    const calendar = calendarOf(req, res);
    if (!calendar) return;
    const stored = calendar.events.get(String(req.params.eventId));
    if (!stored) return notFound(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const event = shape(
      res,
      calendar,
      merge ? { ...stored.event, ...body } : { ...body, id: stored.event.id },
      stored.event,
    );
    if (event) res.json(calendar.save(event));
  };
  router.patch(`${events}/:eventId`, requireScope(...WRITE_EVENTS), replace(true));
  router.put(`${events}/:eventId`, requireScope(...WRITE_EVENTS), replace(false));

  router.delete(`${events}/:eventId`, requireScope(...WRITE_EVENTS), (req, res) => {
    const calendar = calendarOf(req, res);
    if (!calendar) return;
    const stored = calendar.events.get(String(req.params.eventId));
    if (!stored) return notFound(res);
    if (stored.event.status === 'cancelled')
      return gone(res, 'Resource has been deleted', 'deleted');
    calendar.save({
      ...stored.event,
      status: 'cancelled',
      updated: new Date(ctx.now()).toISOString(),
    });
    res.status(204).end();
  });

  router.get(events, requireScope(...READ_EVENTS), (req, res) => {
    const calendar = calendarOf(req, res);
    if (!calendar) return;
    const q = req.query as Record<string, unknown>;
    const syncTokenValue = firstString(q.syncToken);
    const timeMin = firstString(q.timeMin);
    const timeMax = firstString(q.timeMax);
    const orderBy = firstString(q.orderBy);
    const text = firstString(q.q);
    const updatedMin = firstString(q.updatedMin);
    const singleEvents = firstString(q.singleEvents) === 'true';
    if (orderBy && !['startTime', 'updated'].includes(orderBy))
      return badRequest(res, `Invalid value for orderBy: ${orderBy}`);
    if (orderBy === 'startTime' && !singleEvents)
      return badRequest(res, 'The requested ordering is not available for the particular query.');
    for (const [name, value] of [
      ['timeMin', timeMin],
      ['timeMax', timeMax],
      ['updatedMin', updatedMin],
    ] as const)
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        return badRequest(res, `Bad Request: invalid ${name}`);
    let sinceSeq: number | undefined;
    if (syncTokenValue !== undefined) {
      if (timeMin || timeMax || orderBy || text || updatedMin)
        return badRequest(
          res,
          'Sync token cannot be used with timeMin, timeMax, orderBy, q or updatedMin.',
        );
      const token = decode<SyncToken>(syncTokenValue);
      if (
        !token ||
        token.c !== calendar.owner.email ||
        token.g !== ctx.syncGeneration() ||
        !(token.s <= calendar.changeSeq)
      )
        return gone(
          res,
          'Sync token is no longer valid, a full sync is required.',
          'fullSyncRequired',
        );
      sinceSeq = token.s;
    }
    const page = firstString(q.pageToken)
      ? decode<ListPageToken>(firstString(q.pageToken)!)
      : undefined;
    if (firstString(q.pageToken) && !page) return badRequest(res, 'Invalid page token value.');
    // A listing is a snapshot at its first page: the sync token it ends with covers changes after it.
    const snapshotSeq = page?.s ?? calendar.changeSeq;
    const showDeleted = firstString(q.showDeleted) === 'true' || sinceSeq !== undefined;
    const min = timeMin ? Date.parse(timeMin) : -Infinity;
    const max = timeMax ? Date.parse(timeMax) : Infinity;
    let items = [...calendar.events.values()]
      .filter(
        (s) => s.changeSeq <= snapshotSeq && (sinceSeq === undefined || s.changeSeq > sinceSeq),
      )
      .map((s) => s.event)
      .filter((e) => showDeleted || e.status !== 'cancelled')
      .filter((e) => instant(e.end) > min && instant(e.start) < max)
      .filter((e) => !updatedMin || Date.parse(e.updated) >= Date.parse(updatedMin))
      .filter(
        (e) =>
          !text ||
          JSON.stringify([e.summary, e.description, e.location])
            .toLowerCase()
            .includes(text.toLowerCase()),
      );
    if (orderBy === 'startTime') items = items.sort((a, b) => instant(a.start) - instant(b.start));
    if (orderBy === 'updated')
      items = items.sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated));
    const size = Math.min(Math.max(Number(firstString(q.maxResults) ?? 250) || 250, 1), 2500);
    const offset = page?.o ?? 0;
    const slice = items.slice(offset, offset + size);
    const more = offset + size < items.length;
    res.json({
      kind: 'calendar#events',
      etag: `"${snapshotSeq}"`,
      summary: calendar.owner.email,
      updated: new Date(ctx.now()).toISOString(),
      timeZone: calendar.owner.timeZone,
      accessRole: 'owner',
      defaultReminders: [],
      ...(more
        ? { nextPageToken: encode({ o: offset + size, s: snapshotSeq } satisfies ListPageToken) }
        : {
            nextSyncToken: encode({
              c: calendar.owner.email,
              s: snapshotSeq,
              g: ctx.syncGeneration(),
            } satisfies SyncToken),
          }),
      items: slice,
    });
  });

  router.use('/calendar/v3', (_req, res) => notFound(res));

  // What an event's htmlLink opens.
  router.get('/calendar/event', (req, res) => {
    const [id, email] = Buffer.from(firstString(req.query.eid) ?? '', 'base64url')
      .toString()
      .split(' ');
    const event = email ? ctx.calendar(email).events.get(id)?.event : undefined;
    if (!event) return res.status(404).type('html').send('<!doctype html><p>Event not found</p>');
    res
      .type('html')
      .send(
        `<!doctype html><html><body><h1>${escapeHtml(String(event.summary ?? '(no title)'))}</h1><pre>${escapeHtml(JSON.stringify(event, null, 2))}</pre></body></html>`,
      );
  });
  return router;
}
