import { randomUUID } from 'node:crypto';
import { postSignedToSlackApp, startFakeSlack, type FakeSlack } from '@flowgenie/local-fakes';
import { waitFor } from '@flowgenie/testing';
import { FakeConnections } from './connections.test-double';
import { graphWith, TriggerHarness, type ActivatedWorkflow } from './support';

const SIGNING_SECRET = 'slack-signing-secret-for-tests';

jest.setTimeout(60_000);

describe('Slack Events API', () => {
  let slack: FakeSlack;
  let connections: FakeConnections;
  let h: TriggerHarness;
  let eventsUrl: string;
  let botToken: string;

  beforeAll(async () => {
    slack = await startFakeSlack({
      apps: [
        {
          clientId: '1.2',
          clientSecret: 's',
          signingSecret: SIGNING_SECRET,
          redirectUris: ['http://127.0.0.1:9/*'],
        },
      ],
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [
        { id: 'C0ALERTS', name: 'alerts' },
        { id: 'C0RANDOM', name: 'random' },
      ],
    });
    connections = new FakeConnections({ slack });
    botToken = slack.issueToken({ scopes: ['chat:write', 'channels:read'] });
    h = await TriggerHarness.start(
      { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BASE_URL: slack.url },
      { connectionAccess: connections },
    );
    eventsUrl = `${h.url}/hooks/slack/events`;
  });
  afterAll(async () => {
    await h.close();
    await slack.close();
  });

  async function activeSlackTrigger(
    config: Record<string, unknown> = {},
    token = botToken,
  ): Promise<ActivatedWorkflow & { connectionId: string }> {
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addSlack(connectionId, ownerId, token);
    const wf = await h.activate({
      ownerId,
      graph: graphWith({ type: 'slack_event', id: 'slack', config: { connectionId, ...config } }),
    });
    return { ...wf, connectionId };
  }

  function envelope(
    event: Record<string, unknown>,
    eventId = `Ev${randomUUID().slice(0, 8).toUpperCase()}`,
    teamId = slack.team.id,
  ) {
    return {
      token: 'legacy-verification-token',
      team_id: teamId,
      api_app_id: 'A0TEST',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      event: { event_ts: '1700000000.000100', ...event },
    };
  }

  const message = (text: string, extra: Record<string, unknown> = {}) => ({
    type: 'message',
    channel: 'C0ALERTS',
    channel_type: 'channel',
    user: 'U0ALICE',
    text,
    ts: `${Math.floor(Date.now() / 1000)}.000200`,
    ...extra,
  });

  async function counts() {
    const [events, firings, outbox] = await Promise.all([
      h.service.db
        .selectFrom('slack_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      h.service.db
        .selectFrom('firings')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
      h.service.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { events: Number(events.n), firings: Number(firings.n), outbox: Number(outbox.n) };
  }

  it('answers url_verification with its challenge', async () => {
    const before = await counts();
    const result = await slack.sendUrlVerification({ url: eventsUrl });
    expect(result.verified).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('refuses a missing, wrong or stale signature with 401 and stores nothing', async () => {
    const wf = await activeSlackTrigger();
    const body = envelope(message('should never run'));
    const before = await counts();

    const wrong = await postSignedToSlackApp(eventsUrl, body, 'another-secret');
    const stale = await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const missing = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const tampered = await fetch(eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': `v0=${'0'.repeat(64)}`,
      },
      body: JSON.stringify(body),
    });

    for (const res of [wrong, stale, { status: missing.status }, { status: tampered.status }])
      expect(res.status).toBe(401);
    expect(JSON.parse(stale.body)).toMatchObject({
      error: { code: 'invalid_signature', message: expect.stringMatching(/5 minutes/) },
    });
    // Absence of a firing needs a moment: the processing would run right after the answer.
    await new Promise((r) => setTimeout(r, 300));
    expect(await counts()).toEqual(before);
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(0);
  });

  it('fires a matching trigger once per event_id, Slack retries included, and acks at once', async () => {
    const wf = await activeSlackTrigger({ eventTypes: ['message', 'app_mention'] });
    const body = envelope(message('deploy failed'));

    const started = Date.now();
    const first = await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET);
    const answeredIn = Date.now() - started;
    const retry = await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET, {
      retryNum: 1,
      retryReason: 'http_timeout',
    });

    expect(first.status).toBe(200);
    expect(answeredIn).toBeLessThan(3000);
    expect(retry.status).toBe(200);
    const event = await h.waitForTriggered(
      (e) => e.data.workflowId === wf.workflowId,
      'the slack event fired',
    );
    expect(event.data).toMatchObject({
      mode: 'event',
      triggerNodeId: 'slack',
      idempotencyKey: `slack:${wf.workflowId}:${body.event_id}`,
    });
    expect(event.data.payload).toMatchObject({
      eventId: body.event_id,
      teamId: slack.team.id,
      type: 'message',
      channel: 'C0ALERTS',
      user: 'U0ALICE',
      text: 'deploy failed',
      event: expect.objectContaining({ text: 'deploy failed' }),
    });
    // A third delivery, after processing, changes nothing either.
    await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET, { retryNum: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.firingsOf(wf.workflowId)).toHaveLength(1);
    expect((await h.service.integrations.states.find(wf.workflowId))?.teamId).toBe(slack.team.id);
  });

  it('fires only triggers whose workspace, event type, channel and bot filter match', async () => {
    const anyChannel = await activeSlackTrigger();
    const alertsOnly = await activeSlackTrigger({ channelId: 'C0ALERTS' });
    const mentions = await activeSlackTrigger({ eventTypes: ['app_mention'] });
    const withBots = await activeSlackTrigger({ includeBotMessages: true });

    const sent = [
      envelope(message('in random', { channel: 'C0RANDOM' })),
      envelope(message('from a bot', { bot_id: 'B0BOT', subtype: 'bot_message' })),
      envelope({
        type: 'app_mention',
        channel: 'C0ALERTS',
        user: 'U0ALICE',
        text: '<@U0BOT> hi',
        ts: '1.2',
      }),
      envelope(message('another workspace'), undefined, 'T0ELSEWHERE'),
    ];
    for (const body of sent)
      expect((await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET)).status).toBe(200);

    const texts = async (wf: ActivatedWorkflow) =>
      (await h.outboxOf(wf.workflowId))
        .map((r) => (r.envelope as { data: { payload: { text: string } } }).data.payload.text)
        .sort();
    await waitFor(
      async () =>
        (
          await h.service.db
            .selectFrom('slack_events')
            .select('event_id')
            .where('processed_at', 'is', null)
            .execute()
        ).length === 0,
      { message: 'every delivery processed' },
    );
    expect(await texts(anyChannel)).toEqual(['in random']);
    expect(await texts(alertsOnly)).toEqual([]);
    expect(await texts(mentions)).toEqual(['<@U0BOT> hi']);
    expect(await texts(withBots)).toEqual(['from a bot', 'in random']);
  });

  it('sends a large event to the workflow by reference (claim check)', async () => {
    const wf = await activeSlackTrigger();
    const body = envelope(message('x'.repeat(120_000)));

    expect((await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET)).status).toBe(200);

    const [row] = await waitFor(
      async () => {
        const rows = await h.outboxOf(wf.workflowId);
        return rows.length ? rows : undefined;
      },
      { message: 'the large event fired' },
    );
    const data = (row.envelope as { data: Record<string, unknown> }).data;
    expect(data.payload).toBeUndefined();
    expect(data.payloadRef).toEqual(expect.objectContaining({ key: expect.any(String) }));
    expect(JSON.stringify(row.envelope).length).toBeLessThan(50_000);
  });

  it('pauses a trigger whose connection is revoked instead of firing it', async () => {
    const wf = await activeSlackTrigger();
    connections.revoke(wf.connectionId);
    const body = envelope(message('nobody listens'));
    expect((await postSignedToSlackApp(eventsUrl, body, SIGNING_SECRET)).status).toBe(200);
    await waitFor(
      async () => (await h.service.integrations.states.find(wf.workflowId))?.status === 'paused',
      { message: 'paused' },
    );
    expect((await h.service.integrations.states.find(wf.workflowId))?.reason).toBe(
      'the connection was revoked: reconnect it',
    );
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(0);
  });

  it('fires deliveries a crash left unprocessed when the service comes back', async () => {
    const wf = await activeSlackTrigger();
    // As if the process died right after acknowledging: the delivery is stored, nothing fired.
    const body = envelope(message('survives a crash'));
    await h.service.db
      .insertInto('slack_events')
      .values({
        event_id: body.event_id,
        team_id: body.team_id,
        body: JSON.stringify(body),
        processed_at: null,
        received_at: new Date(Date.now() - 60_000),
      })
      .execute();

    const recovered = await h.service.integrations.processSlack.recover(new Date());

    expect(recovered).toBeGreaterThanOrEqual(1);
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(1);
  });
});
