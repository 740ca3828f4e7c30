import {
  calendarChangesToFire,
  cursorKeyOf,
  eventsStartingWithin,
  itemFiringKey,
  slackEventMatches,
} from './integration-trigger';

const since = new Date('2026-12-01T10:00:00.000Z');
const at = (offsetMs: number) => new Date(since.getTime() + offsetMs).toISOString();

describe('integration trigger rules', () => {
  it('keys firings by trigger and item, hashing ids too long for an event', () => {
    expect(itemFiringKey('gmail_new_message', 'wf', 'm1')).toBe('gmail:wf:m1');
    const long = itemFiringKey('calendar_event', 'wf', `created:${'a'.repeat(1000)}`);
    expect(long).toMatch(/^calendar:wf:sha256:[0-9a-f]{64}$/);
    expect(itemFiringKey('calendar_event', 'wf', `created:${'a'.repeat(1000)}`)).toBe(long);
  });

  it('starts a cursor afresh only when what it reads changes', () => {
    const base = { connectionId: 'c1', query: 'from:boss', pollIntervalMinutes: 1 };
    expect(cursorKeyOf('gmail_new_message', base)).toBe(
      cursorKeyOf('gmail_new_message', { ...base, pollIntervalMinutes: 5 }),
    );
    expect(cursorKeyOf('gmail_new_message', base)).not.toBe(
      cursorKeyOf('gmail_new_message', { ...base, query: 'is:unread' }),
    );
  });

  it('tells created from updated calendar events by the previous sync', () => {
    const events = [
      { id: 'old-edited', status: 'confirmed', created: at(-60_000), updated: at(5_000) },
      { id: 'new', status: 'confirmed', created: at(1_000), updated: at(1_000) },
      { id: 'new-then-edited', status: 'confirmed', created: at(1_000), updated: at(30_000) },
      { id: 'old-cancelled', status: 'cancelled', created: at(-60_000), updated: at(9_000) },
      { id: 'new-cancelled', status: 'cancelled', created: at(2_000), updated: at(2_000) },
    ];
    expect(calendarChangesToFire('created', events, since).map((c) => c.key)).toEqual([
      'created:new',
      'created:new-then-edited',
    ]);
    expect(calendarChangesToFire('updated', events, since).map((c) => c.key)).toEqual([
      `updated:old-edited:${at(5_000)}`,
      `updated:new-then-edited:${at(30_000)}`,
      `updated:old-cancelled:${at(9_000)}`,
    ]);
  });

  it('finds events starting within the window, once per start time', () => {
    const now = since;
    const events = [
      { id: 'in-10', start: { dateTime: at(10 * 60_000) } },
      { id: 'in-20', start: { dateTime: at(20 * 60_000) } },
      { id: 'started', start: { dateTime: at(-60_000) } },
      { id: 'cancelled', status: 'cancelled', start: { dateTime: at(60_000) } },
    ];
    expect(eventsStartingWithin(events, now, 15).map((e) => e.key)).toEqual([
      `starting:in-10:${at(10 * 60_000)}`,
    ]);
  });

  it('matches Slack events by type, channel and bots', () => {
    const filter = { eventTypes: ['message'], includeBotMessages: false };
    expect(slackEventMatches(filter, { type: 'message', channel: 'C1', text: 'hi' })).toBe(true);
    expect(slackEventMatches(filter, { type: 'app_mention', channel: 'C1' })).toBe(false);
    expect(
      slackEventMatches(filter, { type: 'message', bot_id: 'B1', subtype: 'bot_message' }),
    ).toBe(false);
    expect(slackEventMatches(filter, { type: 'message', subtype: 'message_changed' })).toBe(false);
    expect(
      slackEventMatches(
        { ...filter, includeBotMessages: true },
        { type: 'message', bot_id: 'B1', subtype: 'bot_message' },
      ),
    ).toBe(true);
    expect(
      slackEventMatches({ ...filter, channelId: 'C2' }, { type: 'message', channel: 'C1' }),
    ).toBe(false);
    expect(
      slackEventMatches(
        { eventTypes: ['reaction_added'], includeBotMessages: false, channelId: 'C2' },
        { type: 'reaction_added', item: { channel: 'C2' } },
      ),
    ).toBe(true);
  });
});
