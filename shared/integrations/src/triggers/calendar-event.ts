import { defineNodeType, enumLabels } from '@flowgenie/workflow';
import { z } from 'zod';
import { connectionField, optionsMeta, passTrigger, pollIntervalField } from './fields';

export const CALENDAR_READ_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';

export const CALENDAR_TRIGGER_MODES = ['created', 'updated', 'starting_within'] as const;
export type CalendarTriggerMode = (typeof CALENDAR_TRIGGER_MODES)[number];

const EventTimeSchema = z.object({
  dateTime: z.string().optional(),
  date: z.string().optional(),
  timeZone: z.string().optional(),
});

/** One Calendar event that fired the trigger (the calendar_event node's output). */
export const CalendarEventPayloadSchema = z.object({
  /** Which change fired: created, updated, or starting_within. */
  reason: z.enum(CALENDAR_TRIGGER_MODES),
  calendarId: z.string(),
  event: z.object({
    id: z.string(),
    status: z.string(),
    summary: z.string(),
    description: z.string(),
    location: z.string(),
    start: EventTimeSchema,
    end: EventTimeSchema,
    attendees: z.array(z.object({ email: z.string(), responseStatus: z.string().optional() })),
    organizer: z.string(),
    created: z.string(),
    updated: z.string(),
    link: z.string(),
  }),
});
export type CalendarEventPayload = z.infer<typeof CalendarEventPayloadSchema>;

export const CalendarEventConfigSchema = z
  .object({
    connectionId: connectionField(['google'], [CALENDAR_READ_SCOPE], {
      title: 'Google account',
      description: 'The connected Google account whose calendar is watched.',
    }),
    calendarId: z
      .string()
      .trim()
      .min(1)
      .max(1024)
      .default('primary')
      .meta({
        title: 'Calendar',
        description: 'The calendar to watch (default: the account’s primary calendar).',
        ...optionsMeta('google.calendars'),
      }),
    mode: z
      .enum(CALENDAR_TRIGGER_MODES)
      .default('created')
      .meta({
        title: 'When',
        description:
          'An event is added; an existing event changes (or is cancelled); or an event starts within the given minutes (once per event and start time).',
        ...enumLabels({
          created: 'An event is added',
          updated: 'An event changes or is cancelled',
          starting_within: 'An event starts soon',
        }),
      }),
    minutesBefore: z.number().int().min(1).max(10_080).default(15).meta({
      title: 'Minutes before start',
      description: 'For starting_within: how long before an event starts the workflow runs.',
    }),
    pollIntervalMinutes: pollIntervalField,
  })
  .superRefine((config, ctx) => {
    // A reminder window shorter than the poll interval would let events slip between two polls.
    if (config.mode === 'starting_within' && config.pollIntervalMinutes > config.minutesBefore)
      ctx.addIssue({
        code: 'custom',
        path: ['pollIntervalMinutes'],
        message: `must be at most "Minutes before start" (${config.minutesBefore}), or events starting between two checks are missed`,
      });
  });
export type CalendarEventConfig = z.output<typeof CalendarEventConfigSchema>;

export const calendarEventNode = defineNodeType({
  type: 'calendar_event',
  version: 1,
  category: 'trigger',
  displayName: 'Calendar: event',
  description:
    'Starts the workflow when a Google Calendar event is created or updated, or shortly before an event starts.',
  config: CalendarEventConfigSchema,
  outputs: ['main'],
  outputSchema: z.toJSONSchema(CalendarEventPayloadSchema) as Record<string, unknown>,
  run: passTrigger,
});
