import { calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { z } from 'zod';
import {
  defineNodeType,
  enumLabels,
  isValidTimeZone,
  timeZoneField,
  type StepContext,
} from '@flowgenie/workflow';
import { addressList, connectionField, optionsMeta, parseMailbox, splitAddresses } from './fields';
import {
  base32hex,
  googleFailure,
  googleOptions,
  googleStatus,
  INTEGRATION_RETRY,
  openSession,
  stepDigest,
  type ProviderSession,
} from './provider';

const SCOPE = 'https://www.googleapis.com/auth/';
export const CALENDAR_EVENTS_SCOPE = `${SCOPE}calendar.events`;
export const CALENDAR_READ_SCOPE = `${SCOPE}calendar.readonly`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

function validDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function validDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  return !!m && validDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4] ?? 0) < 60;
}

const hasOffset = (value: string) => /(Z|[+-]\d{2}:\d{2})$/i.test(value);

/** Orders two times of one event; undefined when they cannot be compared (offset on one only). */
function compareTimes(a: string, b: string): number | undefined {
  if (hasOffset(a) && hasOffset(b)) return Date.parse(a) - Date.parse(b);
  if (hasOffset(a) !== hasOffset(b)) return undefined;
  // Both are wall-clock times in the event's time zone: compare them as written (normalised).
  const norm = (v: string) => (v.length === 16 ? `${v}:00` : v).toUpperCase();
  return norm(a) < norm(b) ? -1 : norm(a) > norm(b) ? 1 : 0;
}

const timeZone = z
  .string()
  .refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Paris')
  .optional()
  .meta({
    title: 'Time zone',
    description: 'IANA time zone of the start and end, e.g. Europe/Paris. Default: the calendar’s.',
    ...timeZoneField,
  });

export const CalendarCreateEventConfigSchema = z
  .object({
    connectionId: connectionField(['google'], [CALENDAR_EVENTS_SCOPE]),
    calendarId: z
      .string()
      .min(1)
      .max(500)
      .default('primary')
      .meta({
        title: 'Calendar',
        description: 'The calendar to add the event to.',
        ...optionsMeta('google.calendars'),
      }),
    summary: z.string().min(1, 'enter a title').max(1024).meta({ title: 'Title' }),
    description: z.string().max(8192).optional().meta({ title: 'Description' }),
    location: z.string().max(1024).optional().meta({ title: 'Location' }),
    allDay: z.boolean().default(false).meta({
      title: 'All day',
      description: 'Start and end are dates (the end date is the day after the last day).',
    }),
    start: z.string().max(40).meta({
      title: 'Start',
      description:
        'Date and time, e.g. 2026-12-01T09:30:00+01:00 or 2026-12-01T09:30 with a time zone; a date (2026-12-01) when all day.',
    }),
    end: z.string().max(40).meta({ title: 'End', description: 'As the start; must be after it.' }),
    timeZone,
    attendees: addressList(
      'Attendees',
      'Email addresses of the guests, separated by commas.',
    ).optional(),
    sendUpdates: z
      .enum(['none', 'all', 'externalOnly'])
      .default('none')
      .meta({
        title: 'Notify guests',
        description: 'Whether Google emails the invitation to the guests.',
        ...enumLabels({
          none: 'Nobody',
          all: 'All guests',
          externalOnly: 'Only guests outside your organization',
        }),
      }),
  })
  .superRefine((c, ctx) => {
    const check = (field: 'start' | 'end') => {
      const value = c[field];
      if (c.allDay ? !validDate(value) : !validDateTime(value)) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: c.allDay
            ? 'must be a date like 2026-12-01 (all-day event)'
            : 'must be a date and time like 2026-12-01T09:30:00+01:00',
        });
        return false;
      }
      if (!c.allDay && !hasOffset(value) && !c.timeZone) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'needs a UTC offset (e.g. +01:00) or a time zone',
        });
        return false;
      }
      return true;
    };
    const ok = [check('start'), check('end')].every(Boolean);
    if (!ok) return;
    const order = compareTimes(c.start, c.end);
    if (order !== undefined && (order > 0 || (c.allDay && order === 0))) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: c.allDay ? 'must be after the start date' : 'must not be before the start',
      });
    }
  });
export type CalendarCreateEventConfig = z.output<typeof CalendarCreateEventConfigSchema>;

/** The event id a step creates: the same on every attempt (Google answers 409 to a second insert). */
export function stepEventId(executionId: string, nodeId: string): string {
  return `fg${base32hex(stepDigest(executionId, nodeId))}`;
}

function calendarClient(ctx: StepContext<unknown>, session: ProviderSession) {
  return new calendar_v3.Calendar(googleOptions(ctx, session));
}

function eventOutput(e: calendar_v3.Schema$Event) {
  return {
    id: e.id ?? '',
    status: e.status ?? '',
    summary: e.summary ?? '',
    description: e.description ?? '',
    location: e.location ?? '',
    start: e.start?.dateTime ?? e.start?.date ?? '',
    end: e.end?.dateTime ?? e.end?.date ?? '',
    allDay: !!e.start?.date,
    attendees: (e.attendees ?? []).map((a) => a.email ?? '').filter(Boolean),
    htmlLink: e.htmlLink ?? '',
    link: e.htmlLink ?? '',
  };
}

const EVENT_PROPERTIES = {
  id: { type: 'string' },
  status: { type: 'string' },
  summary: { type: 'string' },
  description: { type: 'string' },
  location: { type: 'string' },
  start: { type: 'string' },
  end: { type: 'string' },
  allDay: { type: 'boolean' },
  attendees: { type: 'array', items: { type: 'string' } },
  htmlLink: { type: 'string' },
  link: { type: 'string', description: 'Opens the event in Google Calendar' },
};

export const calendarCreateEventNode = defineNodeType({
  type: 'calendar_create_event',
  version: 1,
  category: 'action',
  displayName: 'Google Calendar: create event',
  description:
    'Adds an event (timed or all day, with guests) to a Google calendar. A retry never creates it twice.',
  config: CalendarCreateEventConfigSchema,
  outputs: ['main'],
  outputSchema: { type: 'object', properties: EVENT_PROPERTIES, required: ['id', 'link'] },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const session = await openSession(ctx, config.connectionId, 'google', [CALENDAR_EVENTS_SCOPE]);
    const calendar = calendarClient(ctx, session);
    const id = stepEventId(ctx.executionId, ctx.nodeId);
    const time = (value: string) =>
      config.allDay
        ? { date: value }
        : {
            dateTime: value.length === 16 ? `${value}:00` : value,
            ...(config.timeZone ? { timeZone: config.timeZone } : {}),
          };
    const requestBody: calendar_v3.Schema$Event = {
      id,
      summary: config.summary,
      ...(config.description ? { description: config.description } : {}),
      ...(config.location ? { location: config.location } : {}),
      start: time(config.start),
      end: time(config.end),
      ...(config.attendees
        ? {
            attendees: splitAddresses(config.attendees).map((a) => ({
              email: parseMailbox(a)!.address,
            })),
          }
        : {}),
    };
    try {
      const res = await calendar.events.insert(
        { calendarId: config.calendarId, sendUpdates: config.sendUpdates, requestBody },
        { signal: ctx.signal },
      );
      return { output: eventOutput(res.data) };
    } catch (err) {
      if (googleStatus(err) !== 409)
        throw await googleFailure(ctx, session, err, 'creating the event');
    }
    // 409: the id exists, so an earlier attempt created it (its answer was lost): that is our event.
    try {
      const res = await calendar.events.get(
        { calendarId: config.calendarId, eventId: id },
        { signal: ctx.signal },
      );
      ctx.logger?.info(
        { attempt: ctx.attempt },
        'calendar_create_event: the event an earlier attempt created',
      );
      return { output: eventOutput(res.data) };
    } catch (err) {
      throw await googleFailure(ctx, session, err, 'reading the event an earlier attempt created');
    }
  },
});

const instant = (title: string, description: string) =>
  z
    .string()
    .refine(
      (v) => validDateTime(v) && hasOffset(v),
      'must be a date and time with a UTC offset, e.g. 2026-12-01T00:00:00Z',
    )
    .meta({ title, description });

export const CalendarListEventsConfigSchema = z
  .object({
    connectionId: connectionField(['google'], [CALENDAR_READ_SCOPE]),
    calendarId: z
      .string()
      .min(1)
      .max(500)
      .default('primary')
      .meta({ title: 'Calendar', ...optionsMeta('google.calendars') }),
    timeMin: instant('From', 'Events ending after this time. Default: now.').optional(),
    timeMax: instant('Until', 'Events starting before this time. Default: no limit.').optional(),
    query: z
      .string()
      .max(1000)
      .optional()
      .meta({ title: 'Search', description: 'Free text matched against the events.' }),
    maxResults: z.number().int().min(1).max(250).default(50).meta({ title: 'Max events' }),
  })
  .superRefine((c, ctx) => {
    if (c.timeMin && c.timeMax && Date.parse(c.timeMax) <= Date.parse(c.timeMin))
      ctx.addIssue({ code: 'custom', path: ['timeMax'], message: 'must be after "From"' });
  });

export const calendarListEventsNode = defineNodeType({
  type: 'calendar_list_events',
  version: 1,
  category: 'action',
  displayName: 'Google Calendar: list events',
  description: 'Lists the events of a Google calendar in a time range, soonest first.',
  config: CalendarListEventsConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      count: { type: 'integer' },
      events: { type: 'array', items: { type: 'object', properties: EVENT_PROPERTIES } },
    },
    required: ['count', 'events'],
  },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const session = await openSession(ctx, config.connectionId, 'google', [CALENDAR_READ_SCOPE]);
    const calendar = calendarClient(ctx, session);
    try {
      const res = await calendar.events.list(
        {
          calendarId: config.calendarId,
          timeMin: config.timeMin ?? new Date((ctx.now ?? Date.now)()).toISOString(),
          ...(config.timeMax ? { timeMax: config.timeMax } : {}),
          ...(config.query ? { q: config.query } : {}),
          singleEvents: true,
          orderBy: 'startTime',
          maxResults: config.maxResults,
        },
        { signal: ctx.signal },
      );
      const events = (res.data.items ?? []).map(eventOutput);
      return { output: { count: events.length, events } };
    } catch (err) {
      throw await googleFailure(ctx, session, err, 'listing events');
    }
  },
});
