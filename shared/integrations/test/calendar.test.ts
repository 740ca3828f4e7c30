import { randomUUID } from 'node:crypto';
import { startFakeGoogle } from '@flowgenie/local-fakes';
import { PermanentStepError, RetryableStepError } from '@flowgenie/workflow';
import {
  CALENDAR_EVENTS_SCOPE,
  CALENDAR_READ_SCOPE,
  calendarCreateEventNode,
  calendarListEventsNode,
  memoryRateGate,
  stepEventId,
} from '../src/actions';
import { providerFixture, runAttempt } from './support';

const ALICE = 'alice@example.com';
const fx = providerFixture(
  () => startFakeGoogle({ accounts: [{ email: ALICE }] }),
  (google, conns) => {
    const token = google.issueToken({
      email: ALICE,
      scopes: [CALENDAR_EVENTS_SCOPE, CALENDAR_READ_SCOPE],
    }).accessToken;
    return { token, connectionId: conns.add('google', token, ALICE) };
  },
);

const create = (
  config: Record<string, unknown>,
  more: Partial<Parameters<typeof runAttempt>[0]> = {},
) =>
  runAttempt({
    nodeType: calendarCreateEventNode,
    config: { connectionId: fx.connectionId, ...config },
    access: fx.conns.port,
    apiUrls: { google: `${fx.fake.url}/` },
    ...more,
  });

describe('calendar_create_event', () => {
  it('inserts the event as Calendar documents it, with a deterministic base32hex id, and links to it', async () => {
    const executionId = randomUUID();
    const { result, error } = await create(
      {
        summary: 'Planning',
        description: 'Q1',
        start: '2030-03-01T09:30',
        end: '2030-03-01T10:30',
        timeZone: 'Europe/Paris',
        attendees: 'bob@example.com, Carol <carol@example.com>',
        sendUpdates: 'all',
      },
      { executionId, nodeId: 'meet' },
    );
    expect(error).toBeUndefined();
    const [insert] = fx.fake.requests('/calendar/v3/calendars/primary/events');
    expect(insert.method).toBe('POST');
    expect(insert.headers.authorization).toBe(`Bearer ${fx.token}`);
    expect(insert.query).toMatchObject({ sendUpdates: 'all' });
    const id = stepEventId(executionId, 'meet');
    expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
    expect(insert.body).toEqual({
      id,
      summary: 'Planning',
      description: 'Q1',
      start: { dateTime: '2030-03-01T09:30:00', timeZone: 'Europe/Paris' },
      end: { dateTime: '2030-03-01T10:30:00', timeZone: 'Europe/Paris' },
      attendees: [{ email: 'bob@example.com' }, { email: 'carol@example.com' }],
    });
    const output = result!.output as { id: string; link: string; htmlLink: string };
    expect(output.id).toBe(id);
    expect(output.link).toBe(fx.fake.calendarEvents(ALICE).find((e) => e.id === id)!.htmlLink);
    expect(JSON.stringify(result)).not.toContain(fx.token);
  });

  it('creates an all-day event with dates', async () => {
    const { error } = await create({
      summary: 'Offsite',
      allDay: true,
      start: '2030-04-01',
      end: '2030-04-03',
    });
    expect(error).toBeUndefined();
    const [insert] = fx.fake.requests('/calendar/v3/calendars/primary/events');
    expect(insert.body).toMatchObject({
      start: { date: '2030-04-01' },
      end: { date: '2030-04-03' },
    });
  });

  it('a retry after an attempt whose answer was lost gets 409 for the same id and returns that event: one event', async () => {
    const executionId = randomUUID();
    const config = { summary: 'Once', start: '2030-05-01T09:00:00Z', end: '2030-05-01T10:00:00Z' };
    const first = await create(config, { executionId, attempt: 1 });
    const second = await create(config, { executionId, attempt: 2 });
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    const inserts = fx.fake
      .requests('/calendar/v3/calendars/primary/events')
      .filter((r) => r.method === 'POST');
    expect(inserts.map((r) => r.status)).toEqual([200, 409]);
    expect(second.result!.output).toEqual(first.result!.output);
    expect(fx.fake.calendarEvents(ALICE).filter((e) => e.summary === 'Once')).toHaveLength(1);
  });

  it('honours 429 Retry-After for the connection', async () => {
    const gate = memoryRateGate();
    fx.fake.forceFailure({ pathPrefix: '/calendar/v3', status: 429, retryAfterSeconds: 12 });
    const { error } = await create(
      { summary: 'x', start: '2030-05-01T09:00:00Z', end: '2030-05-01T10:00:00Z' },
      { gate },
    );
    expect(error).toBeInstanceOf(RetryableStepError);
    expect((error as RetryableStepError).retryAfterMs).toBe(12_000);
    expect(await gate.blockedUntil(fx.connectionId)).toBeGreaterThan(Date.now() + 10_000);
  });

  it('an event Google refuses (400) fails for good with Google’s reason', async () => {
    // The schema cannot tell an offset-less end from a calendar's zone; Google can.
    fx.fake.forceFailure({ pathPrefix: '/calendar/v3', status: 400 });
    const { error } = await create({
      summary: 'x',
      start: '2030-05-01T09:00:00Z',
      end: '2030-05-01T10:00:00Z',
    });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as PermanentStepError).status).toBe(400);
  });
});

describe('calendar_list_events', () => {
  it('lists the events in a time range, soonest first', async () => {
    await create({ summary: 'Later', start: '2031-01-02T09:00:00Z', end: '2031-01-02T10:00:00Z' });
    await create(
      { summary: 'Sooner', start: '2031-01-01T09:00:00Z', end: '2031-01-01T10:00:00Z' },
      { nodeId: 'b' },
    );
    await create(
      { summary: 'Outside', start: '2032-01-01T09:00:00Z', end: '2032-01-01T10:00:00Z' },
      { nodeId: 'c' },
    );
    fx.fake.clearRequests();
    const { result, error } = await runAttempt({
      nodeType: calendarListEventsNode,
      config: {
        connectionId: fx.connectionId,
        timeMin: '2031-01-01T00:00:00Z',
        timeMax: '2031-12-31T00:00:00Z',
      },
      access: fx.conns.port,
      apiUrls: { google: `${fx.fake.url}/` },
    });
    expect(error).toBeUndefined();
    const [list] = fx.fake.requests('/calendar/v3/calendars/primary/events');
    expect(list.query).toMatchObject({
      timeMin: '2031-01-01T00:00:00Z',
      timeMax: '2031-12-31T00:00:00Z',
      singleEvents: 'true',
      orderBy: 'startTime',
    });
    const output = result!.output as { count: number; events: { summary: string; link: string }[] };
    expect(output.events.map((e) => e.summary)).toEqual(['Sooner', 'Later']);
    expect(output.events[0].link).toMatch(/\/calendar\/event\?eid=/);
  });
});
