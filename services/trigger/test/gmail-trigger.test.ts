import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startFakeGoogle, type FakeGoogle } from '@flowgenie/local-fakes';
import { createTestTokens, waitFor, type TestTokens } from '@flowgenie/testing';
import { compose } from '../src/compose';
import { FakeConnections } from './connections.test-double';
import { graphWith, silentLogger, TriggerHarness, type ActivatedWorkflow } from './support';

const ALICE = 'alice@example.com';
const BOSS = 'boss@example.com';

jest.setTimeout(60_000);

describe('gmail_new_message trigger', () => {
  let google: FakeGoogle;
  let connections: FakeConnections;
  let tokens: TestTokens;
  let h: TriggerHarness;

  beforeAll(async () => {
    google = await startFakeGoogle({ accounts: [{ email: ALICE, name: 'Alice' }] });
    connections = new FakeConnections({ google });
    tokens = await createTestTokens({
      issuer: 'https://flowgenie.local/auth',
      audience: 'flowgenie-api',
    });
    h = await TriggerHarness.start(
      { GOOGLE_BASE_URL: google.url },
      { connectionAccess: connections, keySet: tokens.keySet },
    );
  });
  afterAll(async () => {
    await h.close();
    await google.close();
  });

  /** An activated Gmail trigger on a fresh connection, with its first poll (the baseline) done by the service. */
  async function activeGmailTrigger(
    query = `from:${BOSS}`,
  ): Promise<ActivatedWorkflow & { connectionId: string }> {
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addGoogle(connectionId, ownerId, ALICE);
    const wf = await h.activate({
      ownerId,
      graph: graphWith({ type: 'gmail_new_message', id: 'mail', config: { connectionId, query } }),
    });
    await h.pollsSettled(wf.workflowId);
    const state = await h.service.integrations.states.find(wf.workflowId);
    expect(state?.cursor).toEqual(expect.objectContaining({ historyId: expect.any(String) }));
    return { ...wf, connectionId };
  }

  const poll = (workflowId: string) => h.service.integrations.poll.execute(workflowId);
  const subjectsFired = (workflowId: string) =>
    h
      .outboxOf(workflowId)
      .then((rows) =>
        rows
          .map(
            (r) => (r.envelope as { data: { payload: { subject: string } } }).data.payload.subject,
          )
          .sort(),
      );

  it('fires once per new matching message, none for mail that was there before, and registers a poll', async () => {
    // Prepare: mail already in the box when the workflow is activated
    google.deliverEmail(ALICE, { from: BOSS, subject: 'old news' });
    const wf = await activeGmailTrigger();
    expect(await h.service.integrations.polls.list()).toEqual(
      expect.arrayContaining([
        { workflowId: wf.workflowId, everyMs: 60_000, next: expect.any(Number) },
      ]),
    );

    // Act: several messages arrive between two polls, one from someone else
    const first = google.deliverEmail(ALICE, {
      from: `The Boss <${BOSS}>`,
      subject: 'Q3 numbers',
      text: 'see attached',
    });
    google.deliverEmail(ALICE, { from: 'spam@example.net', subject: 'win a prize' });
    google.deliverEmail(ALICE, { from: BOSS, subject: 'lunch?' });
    google.deliverEmail(ALICE, { from: BOSS, subject: 're: lunch?' });
    const outcome = await poll(wf.workflowId);

    // Assess: one firing per matching message, with what a workflow needs
    expect(outcome).toMatchObject({ kind: 'polled', fired: 3 });
    expect(await subjectsFired(wf.workflowId)).toEqual(['Q3 numbers', 'lunch?', 're: lunch?']);
    const event = await h.waitForTriggered(
      (e) => e.data.idempotencyKey === `gmail:${wf.workflowId}:${first.id}`,
    );
    expect(event.data).toMatchObject({
      mode: 'poll',
      triggerNodeId: 'mail',
      ownerId: wf.ownerId,
      version: 1,
    });
    expect(event.data.payload).toEqual({
      id: first.id,
      threadId: first.threadId,
      from: `The Boss <${BOSS}>`,
      to: ALICE,
      subject: 'Q3 numbers',
      snippet: 'see attached',
      date: expect.any(String),
      receivedAt: expect.any(String),
      labelIds: expect.arrayContaining(['INBOX', 'UNREAD']),
      link: `https://mail.google.com/mail/u/0/#all/${first.id}`,
      text: expect.stringContaining('see attached'),
      html: '',
    });

    // A poll with nothing new fires nothing
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 0 });
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(3);
  });

  it('takes its baseline by itself as soon as the activation commits', async () => {
    const ownerId = randomUUID();
    const connectionId = randomUUID();
    connections.addGoogle(connectionId, ownerId, ALICE);
    const wf = await h.activate({
      ownerId,
      graph: graphWith({
        type: 'gmail_new_message',
        config: { connectionId, pollIntervalMinutes: 5 },
      }),
    });
    // The activation queues a first poll once committed: the worker polled by itself.
    const state = await waitFor(
      async () => {
        const s = await h.service.integrations.states.find(wf.workflowId);
        return s?.lastPolledAt ? s : undefined;
      },
      { message: 'the scheduled first poll' },
    );
    expect(state.cursor).toEqual(expect.objectContaining({ historyId: expect.any(String) }));
    expect(await h.service.integrations.polls.list()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ workflowId: wf.workflowId, everyMs: 300_000 }),
      ]),
    );
  });

  it('runs each message once when polls overlap or the same poll is delivered twice', async () => {
    const wf = await activeGmailTrigger();
    google.deliverEmail(ALICE, { from: BOSS, subject: 'one' });
    google.deliverEmail(ALICE, { from: BOSS, subject: 'two' });

    // Act: three pollers at once (two workers, a redelivered job), then another
    const outcomes = await Promise.all([
      poll(wf.workflowId),
      poll(wf.workflowId),
      poll(wf.workflowId),
    ]);
    google.deliverEmail(ALICE, { from: BOSS, subject: 'three' });
    await Promise.all([poll(wf.workflowId), poll(wf.workflowId)]);

    // Assess
    expect(outcomes.map((o) => (o.kind === 'polled' ? o.fired : -1)).reduce((a, b) => a + b)).toBe(
      2,
    );
    expect(await subjectsFired(wf.workflowId)).toEqual(['one', 'three', 'two']);
    expect(await h.firingsOf(wf.workflowId)).toHaveLength(3);
    await waitFor(() => h.triggeredFor(wf.workflowId).length === 3, {
      message: 'three executions requested',
    });
  });

  it('neither repeats nor misses mail across a restart between firing and saving the cursor', async () => {
    const wf = await activeGmailTrigger();
    const before = (await h.service.integrations.states.find(wf.workflowId))!;
    google.deliverEmail(ALICE, { from: BOSS, subject: 'before the crash' });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 1 });
    // The crash: the firing committed, the cursor save did not.
    await h.service.db
      .updateTable('trigger_states')
      .set({ cursor: JSON.stringify(before.cursor), generation: before.generation })
      .where('workflow_id', '=', wf.workflowId)
      .execute();
    google.deliverEmail(ALICE, { from: BOSS, subject: 'during the restart' });

    // Act: a new trigger service instance over the same database polls
    const second = await compose(h.config, { logger: silentLogger, connectionAccess: connections });
    await second.start();
    try {
      const outcome = await second.integrations.poll.execute(wf.workflowId);
      // Assess: the old message is a duplicate, the new one fires
      expect(outcome).toMatchObject({ kind: 'polled', fired: 1, duplicates: 1 });
    } finally {
      await second.stop();
    }
    expect(await subjectsFired(wf.workflowId)).toEqual(['before the crash', 'during the restart']);
  });

  it('falls back to a search when the history is too old, without firing twice', async () => {
    const wf = await activeGmailTrigger();
    google.deliverEmail(ALICE, { from: BOSS, subject: 'seen' });
    await poll(wf.workflowId);
    google.deliverEmail(ALICE, { from: BOSS, subject: 'while history expired' });
    google.expireGmailHistory(ALICE);

    const outcome = await poll(wf.workflowId);

    expect(outcome).toMatchObject({ kind: 'polled', fired: 1 });
    expect(await subjectsFired(wf.workflowId)).toEqual(['seen', 'while history expired']);
    // And the new cursor works again
    google.deliverEmail(ALICE, { from: BOSS, subject: 'after' });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 1 });
  });

  it('with no search, fires for new inbox mail only', async () => {
    const wf = await activeGmailTrigger('');
    google.deliverEmail(ALICE, { from: 'anyone@example.org', subject: 'hello' });
    const archived = google.deliverEmail(ALICE, {
      from: 'anyone@example.org',
      subject: 'archived',
      labelIds: ['CATEGORY_UPDATES'],
    });
    google.clearRequests();
    await poll(wf.workflowId);
    expect(await subjectsFired(wf.workflowId)).toEqual(['hello']);
    // Its labels are in the history already: the poll does not fetch mail that cannot fire.
    expect(google.requests(`/gmail/v1/users/me/messages/${archived.id}`)).toEqual([]);
  });

  it('pauses with a visible reason when the connection is revoked, and resumes on reconnect', async () => {
    const wf = await activeGmailTrigger();
    const status = async (workflowId = wf.workflowId, userId = wf.ownerId) => {
      const res = await fetch(`${h.url}/workflows/${workflowId}/trigger`, {
        headers: { authorization: `Bearer ${await tokens.sign(userId)}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await status()).body).toMatchObject({
      status: 'active',
      type: 'gmail_new_message',
      pollIntervalMinutes: 1,
      reason: null,
    });

    // Act: auth says the grant is revoked
    connections.revoke(wf.connectionId);
    const calls = connections.accessCalls;
    expect(await poll(wf.workflowId)).toEqual({
      kind: 'paused',
      reason: 'the connection was revoked: reconnect it',
    });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'paused' });

    // Assess: paused, visible, no more polls scheduled, auth asked once
    expect(connections.accessCalls).toBe(calls + 1);
    expect((await status()).body).toMatchObject({
      status: 'paused',
      reason: 'the connection was revoked: reconnect it',
      version: 1,
    });
    expect(await h.hasPoll(wf.workflowId)).toBe(false);
    // Another user sees nothing
    expect((await status(wf.workflowId, randomUUID())).status).toBe(404);

    // Act: the user reconnects (auth emits connection.created for the same id)
    connections.reconnect(wf.connectionId);
    await h.connectionEvent('connection.created', wf);
    await waitFor(async () => (await status()).body.status === 'active', {
      message: 'trigger resumed',
    });
    expect(await h.hasPoll(wf.workflowId)).toBe(true);
  });

  it('pauses every trigger of a connection on connection.revoked and stops on deactivation', async () => {
    const wf = await activeGmailTrigger();
    await h.connectionEvent('connection.revoked', wf);
    await waitFor(
      async () => (await h.service.integrations.states.find(wf.workflowId))?.status === 'paused',
      {
        message: 'paused by connection.revoked',
      },
    );
    google.deliverEmail(ALICE, { from: BOSS, subject: 'not while paused' });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'paused' });

    await h.deactivate(wf);
    expect(await h.service.integrations.states.find(wf.workflowId)).toBeUndefined();
    expect(await h.hasPoll(wf.workflowId)).toBe(false);
    expect(await poll(wf.workflowId)).toEqual({ kind: 'skipped' });
    expect(await h.outboxOf(wf.workflowId)).toHaveLength(0);
  });

  it('records a transient failure and fires at the next poll', async () => {
    const wf = await activeGmailTrigger();
    google.deliverEmail(ALICE, { from: BOSS, subject: 'delayed' });
    google.forceFailure({ pathPrefix: '/gmail/v1', status: 503 });
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'failed' });
    expect((await h.service.integrations.states.find(wf.workflowId))?.lastError).toMatch(/503/);
    expect(await poll(wf.workflowId)).toMatchObject({ kind: 'polled', fired: 1 });
  });

  it('pauses and tells auth when Google refuses the token', async () => {
    const wf = await activeGmailTrigger();
    google.forceFailure({ pathPrefix: '/gmail/v1', status: 401 });

    const outcome = await poll(wf.workflowId);

    expect(outcome).toEqual({
      kind: 'paused',
      reason: 'the provider refused the connection’s token: reconnect it',
    });
    expect(connections.reports).toContainEqual({
      connectionId: wf.connectionId,
      status: 'revoked',
      reason: 'Google refused the access token',
    });
  });

  it('never writes a token to its logs, events or status answers', async () => {
    // Prepare: a second instance over the same database whose logs we keep, at debug level
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const second = await compose(h.config, {
      logger,
      connectionAccess: connections,
      keySet: tokens.keySet,
    });
    await second.start();
    try {
      const wf = await activeGmailTrigger();
      google.deliverEmail(ALICE, { from: BOSS, subject: 'logged?' });
      await second.integrations.poll.execute(wf.workflowId);
      google.forceFailure({ pathPrefix: '/gmail/v1', status: 503 });
      await second.integrations.poll.execute(wf.workflowId);
      connections.revoke(wf.connectionId);
      await second.integrations.poll.execute(wf.workflowId);
      const status = await fetch(`${h.url}/workflows/${wf.workflowId}/trigger`, {
        headers: { authorization: `Bearer ${await tokens.sign(wf.ownerId)}` },
      }).then((r) => r.text());

      // Assess
      expect(lines.join('')).toMatch(/trigger paused/);
      const outbox = JSON.stringify(await h.outboxOf(wf.workflowId));
      expect(connections.issued.length).toBeGreaterThan(0);
      for (const token of connections.issued) {
        expect(lines.join('')).not.toContain(token);
        expect(outbox).not.toContain(token);
        expect(status).not.toContain(token);
      }
    } finally {
      await second.stop();
    }
  });
});
