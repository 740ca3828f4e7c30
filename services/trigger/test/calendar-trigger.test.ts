import { randomUUID } from 'node:crypto';
import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { FakeConnections } from './connections.test-double';
import { graphWith, TriggerHarness, type ActivatedWorkflow } from './support';

const ALICE = 'alice@example.com';
const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const HOUR = 3_600_000;

jest.setTimeout(60_000);

describe('calendar_event trigger', () => {
  let google: FakeGoogle;
  let connections: FakeConnections;
  let h: TriggerHarness;
  /** The fake Google's clock: undefined is real time; set to make "old" events. */
  let clock: number | undefined;

  beforeAll(async () => {
    google = await startFakeGoogle({
      accounts: [{ email: ALICE, name: 'Alice' }],
      now: () => clock ?? Date.now(),
    });
    connections = new FakeConnections({ google });
    h = await TriggerHarness.start(
      { GOOGLE_BASE_URL: google.url },
      { connectionAccess: connections },
    );
  });
  afterAll(async () => {
    await h.close();
    await google.close();
  });
  beforeEach(() => {
    clock = undefined;
  });

  function calendar(): calendar_v3.Calendar {
    const token = google.issueToken({ email: ALICE, scopes: [EVENTS_SCOPE] }).accessToken;
    return calendarApi({
      version: 'v3',
      rootUrl: `${google.url}/`,
      headers: { Authorization: `Bearer ${token}` },
      fetchImplementation: fetch,
    });
  }

  async function createEvent(summary: string, startsInMinutes = 24 * 60) {
    const start = new Date(Date.now() + startsInMinutes * 60_000);
    const res = await calendar().events.insert({
      calendarId: 'primary',
      requestBody: {
        summary,
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 30 * 60_000).toISOString() },
        attendees: [{ email: 'bob@example.com' }],
      },
    });
    return res.data;
  }

  async function activeCalendarTrigger(
    config: Record<string, unknown>,
  ): Promise<ActivatedWorkflow> {
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addGoogle(connectionId, ownerId, ALICE);
    const wf = await h.activate({
      ownerId,
      graph: graphWith({ type: 'calendar_event', id: 'cal', config: { connectionId, ...config } }),
    });
    // The service takes the baseline itself once the activation commits.
    await h.pollsSettled(wf.workflowId);
    return wf;
  }

  const poll = (workflowId: string) => h.service.integrations.poll.execute(workflowId);
  async function fired(workflowId: string) {
    const rows = await h.outboxOf(workflowId);
    return rows
      .map(
        (r) =>
          (
            r.envelope as {
              data: { payload: { reason: string; event: { summary: string; status: string } } };
            }
          ).data.payload,
      )
      .map((p) => `${p.reason} ${p.event.summary} ${p.event.status}`)
      .sort();
  }

  it('created: fires once per new event, not for events that were there before or for edits', async () => {
    await createEvent('already there');
    const wf = await activeCalendarTrigger({ mode: 'created' });

    const standup = await createEvent('standup');
    await createEvent('retro');
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 2 });
    await calendar().events.patch({
      calendarId: 'primary',
      eventId: standup.id!,
      requestBody: { summary: 'standup (moved)' },
    });
    await Promise.all([poll(wf.workflowId), poll(wf.workflowId)]);

    expect(await fired(wf.workflowId)).toEqual([
      'created retro confirmed',
      'created standup confirmed',
    ]);
    const event = await h.waitForTriggered(
      (e) => e.data.idempotencyKey === `calendar:${wf.workflowId}:created:${standup.id}`,
    );
    expect(event.data.payload).toMatchObject({
      reason: 'created',
      calendarId: 'primary',
      event: {
        id: standup.id,
        summary: 'standup',
        attendees: [{ email: 'bob@example.com', responseStatus: 'needsAction' }],
        organizer: ALICE,
        link: standup.htmlLink,
        start: { dateTime: standup.start!.dateTime },
      },
    });
  });

  it('updated: fires per change of an existing event (cancellation included), not for new ones', async () => {
    clock = Date.now() - 2 * HOUR;
    const planning = await createEvent('planning');
    clock = undefined;
    const wf = await activeCalendarTrigger({ mode: 'updated' });

    await createEvent('brand new');
    await calendar().events.patch({
      calendarId: 'primary',
      eventId: planning.id!,
      requestBody: { location: 'Room 1' },
    });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 1 });
    clock = Date.now() + 5_000;
    await calendar().events.delete({ calendarId: 'primary', eventId: planning.id! });
    await Promise.all([poll(wf.workflowId), poll(wf.workflowId)]);

    expect(await fired(wf.workflowId)).toEqual([
      'updated planning cancelled',
      'updated planning confirmed',
    ]);
  });

  it('does a full resync when the sync token is refused (410), without repeats', async () => {
    const wf = await activeCalendarTrigger({ mode: 'created' });
    await createEvent('before 410');
    await poll(wf.workflowId);
    google.invalidateSyncTokens();
    await createEvent('after 410');

    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 1 });
    expect(await fired(wf.workflowId)).toEqual([
      'created after 410 confirmed',
      'created before 410 confirmed',
    ]);
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 0 });
  });

  it('starting_within: fires once per event and start time', async () => {
    const wf = await activeCalendarTrigger({ mode: 'starting_within', minutesBefore: 15 });
    const soon = await createEvent('soon', 10);
    await createEvent('later', 60);

    await poll(wf.workflowId);
    await poll(wf.workflowId);
    expect(await fired(wf.workflowId)).toEqual(['starting_within soon confirmed']);

    // Moved to a new start, still within the window: a new reminder
    const moved = new Date(Date.now() + 12 * 60_000);
    await calendar().events.patch({
      calendarId: 'primary',
      eventId: soon.id!,
      requestBody: {
        start: { dateTime: moved.toISOString() },
        end: { dateTime: new Date(moved.getTime() + 60_000).toISOString() },
      },
    });
    await poll(wf.workflowId);
    expect(await fired(wf.workflowId)).toEqual([
      'starting_within soon confirmed',
      'starting_within soon confirmed',
    ]);
    expect((await h.firingsOf(wf.workflowId)).map((f) => f.idempotency_key).sort()).toEqual(
      [
        `calendar:${wf.workflowId}:starting:${soon.id}:${soon.start!.dateTime}`,
        `calendar:${wf.workflowId}:starting:${soon.id}:${moved.toISOString()}`,
      ].sort(),
    );
  });
});
