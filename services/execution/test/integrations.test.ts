import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { WorkflowGraph } from '@flowgenie/contracts';
import {
  startFakeGoogle,
  startFakeSlack,
  type FakeGoogle,
  type FakeSlack,
} from '@flowgenie/local-fakes';
import { GOOGLE_CONNECTION_SCOPES, SLACK_BOT_SCOPES } from '@flowgenie/integrations';
import { RedisRateGate } from '../src/adapters/connections/redis-rate-gate';
import { ALICE, SERVICE_TOKEN, startAuthInternal } from './connections-support';
import { startExecutionService, stepOf, type TestExecution } from './support';

const BOB = 'bob@example.com';

let google: FakeGoogle;
let slack: FakeSlack;
let auth: Awaited<ReturnType<typeof startAuthInternal>>;
let svc: TestExecution;
let user: { userId: string; token: string };
let googleToken: string;
let slackToken: string;
let gmailConn: string;
let slackConn: string;
const logLines: string[] = [];

beforeAll(async () => {
  google = await startFakeGoogle({ accounts: [{ email: ALICE }, { email: BOB }] });
  slack = await startFakeSlack({
    apps: [
      {
        clientId: '1.2',
        clientSecret: 's',
        signingSecret: 'x',
        redirectUris: ['http://127.0.0.1:9/cb'],
        appId: 'A0FG',
      },
    ],
    channels: [{ id: 'C0ALERTS', name: 'alerts' }],
  });
  auth = await startAuthInternal();
  svc = await startExecutionService(
    'execution_integrations',
    {
      AUTH_INTERNAL_URL: auth.url,
      INTERNAL_SERVICE_TOKEN: SERVICE_TOKEN,
      GOOGLE_BASE_URL: google.url,
      SLACK_BASE_URL: slack.url,
    },
    { executor: false },
  );
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  await svc.startExecutor({}, pino({ level: 'debug' }, sink));
  user = await svc.userToken();
  googleToken = google.issueToken({ email: ALICE, scopes: GOOGLE_CONNECTION_SCOPES }).accessToken;
  slackToken = slack.issueToken({ scopes: SLACK_BOT_SCOPES });
  gmailConn = auth.add(user.userId, 'google', googleToken);
  slackConn = auth.add(user.userId, 'slack', slackToken);
});
afterAll(async () => {
  await svc?.close();
  await auth?.close();
  await google?.close();
  await slack?.close();
});
beforeEach(() => {
  google.clearRequests();
  slack.clearRequests();
});

/** webhook → email Bob → post the email's link to #alerts. */
function mailThenSlack(opts: { gmail?: string; slack?: string } = {}): WorkflowGraph {
  return {
    nodes: [
      { id: 'hook', type: 'webhook', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'mail',
        type: 'gmail_send',
        position: { x: 200, y: 0 },
        config: {
          connectionId: opts.gmail ?? gmailConn,
          to: BOB,
          subject: '{{ trigger.body.subject }}',
          text: 'See attached.',
        },
      },
      {
        id: 'notify',
        type: 'slack_post_message',
        position: { x: 400, y: 0 },
        config: {
          connectionId: opts.slack ?? slackConn,
          channel: 'C0ALERTS',
          text: 'Mailed Bob: {{ steps.mail.link }}',
        },
        retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 100 } },
      },
    ],
    edges: [
      { id: 'e1', source: 'hook', sourceHandle: 'main', target: 'mail' },
      { id: 'e2', source: 'mail', sourceHandle: 'main', target: 'notify' },
    ],
  };
}

describe('integration steps in the executor', () => {
  it('runs "email Bob, then post the link to Slack" with the owner’s connections; no token is stored or logged', async () => {
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: mailThenSlack(),
      payload: { body: { subject: 'Invoice 7' } },
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('succeeded');
    const mail = stepOf(execution, 'mail').output;
    expect(mail.link).toBe(`https://mail.google.com/mail/u/0/#all/${mail.id}`);
    expect(google.gmailMessages(BOB).find((m) => m.messageId === mail.messageId)!.subject).toBe(
      'Invoice 7',
    );
    const notify = stepOf(execution, 'notify').output;
    expect(slack.messages('C0ALERTS').find((m) => m.ts === notify.ts)!.text).toBe(
      `Mailed Bob: ${mail.link}`,
    );
    expect(notify.link).toMatch(/\/archives\/C0ALERTS\/p/);
    // Credentials came from auth's internal endpoint, for this workflow's owner, with the service token.
    expect(
      auth.calls
        .filter((c) => c.path.endsWith('/access'))
        .map((c) => [c.path, c.body.ownerId, c.authorization]),
    ).toEqual(
      expect.arrayContaining([
        [`/internal/connections/${gmailConn}/access`, user.userId, `Bearer ${SERVICE_TOKEN}`],
        [`/internal/connections/${slackConn}/access`, user.userId, `Bearer ${SERVICE_TOKEN}`],
      ]),
    );
    const stored = JSON.stringify(execution);
    for (const secret of [googleToken, slackToken, SERVICE_TOKEN]) {
      expect(stored).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
    }
    const outbox = JSON.stringify(await svc.outboxOf(executionId));
    expect(outbox).not.toContain(googleToken);
  });

  it('fails a step whose connection was revoked with that reason, sending nothing', async () => {
    const revoked = auth.add(user.userId, 'google', googleToken, true);
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: mailThenSlack({ gmail: revoked }),
      payload: { body: { subject: 'x' } },
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('failed');
    expect(stepOf(execution, 'mail')).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: {
        code: 'connection_revoked',
        message: 'connection revoked: reconnect it in Connections',
      },
    });
    expect(google.requests('/gmail')).toHaveLength(0);
    expect(slack.calls('chat.postMessage')).toHaveLength(0);
  });

  it('cannot use another user’s connection', async () => {
    const other = await svc.userToken();
    const { executionId } = await svc.trigger({
      ownerId: other.userId,
      graph: mailThenSlack(),
      payload: { body: { subject: 'x' } },
    });
    const execution = await svc.waitForExecution(executionId, other.token);
    expect(stepOf(execution, 'mail').error.code).toBe('connection_not_found');
    expect(google.requests('/gmail')).toHaveLength(0);
  });

  it('a retry after the post went out but its link failed finds the post instead of posting twice', async () => {
    slack.forceError({ method: 'chat.getPermalink', error: 'internal_error' });
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: mailThenSlack(),
      payload: { body: { subject: 'Retry me' } },
    });
    const execution = await svc.waitForExecution(executionId, user.token);
    expect(execution.status).toBe('succeeded');
    expect(stepOf(execution, 'notify').attempts).toBe(2);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(slack.calls('conversations.history')).toHaveLength(1);
    const mail = stepOf(execution, 'mail').output;
    expect(
      slack.messages('C0ALERTS').filter((m) => m.text === `Mailed Bob: ${mail.link}`),
    ).toHaveLength(1);
  });

  it('honours Slack’s 429 Retry-After: the post is retried after the wait, once', async () => {
    slack.forceRateLimit({ method: 'chat.postMessage', retryAfterSeconds: 2 });
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: mailThenSlack(),
      payload: { body: { subject: 'Slow' } },
    });
    const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
    expect(execution.status).toBe('succeeded');
    const calls = slack.requests().filter((r) => r.path === '/api/chat.postMessage');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(1900);
    // The 429 attempt posted nothing, so the retry posts without looking for an earlier post.
    expect(slack.calls('conversations.history')).toHaveLength(0);
    expect(stepOf(execution, 'notify').attemptLog[0]).toMatchObject({ code: 'rate_limited' });
  });

  it('a step on a connection another step got a 429 on waits for the block to end, without spending an attempt', async () => {
    const gate = new RedisRateGate(svc.redis, svc.prefix, pino({ level: 'silent' }));
    const until = Date.now() + 1500;
    await gate.block(slackConn, until);
    const { executionId } = await svc.trigger({
      ownerId: user.userId,
      graph: mailThenSlack(),
      payload: { body: { subject: 'Blocked' } },
    });
    const waiting = await svc.waitForExecution(
      executionId,
      user.token,
      (e) => stepOf(e, 'notify')?.status === 'waiting',
    );
    expect(Date.parse(stepOf(waiting, 'notify').resumeAt)).toBe(until);
    const execution = await svc.waitForExecution(executionId, user.token, undefined, 20_000);
    expect(execution.status).toBe('succeeded');
    const [post] = slack.requests().filter((r) => r.path === '/api/chat.postMessage');
    expect(post.at.getTime()).toBeGreaterThanOrEqual(until - 5);
    expect(stepOf(execution, 'notify').attempts).toBe(1);
    expect(stepOf(execution, 'notify').attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, code: 'waited' }),
      expect.not.objectContaining({ error: expect.anything() }),
    ]);
  });

  it('holds every executor’s steps on a rate-limited connection in Redis until the time passes', async () => {
    const a = new RedisRateGate(svc.redis, svc.prefix, pino({ level: 'silent' }));
    const b = new RedisRateGate(svc.redis, svc.prefix, pino({ level: 'silent' }));
    const id = randomUUID();
    const until = Date.now() + 60_000;
    await a.block(id, until);
    await a.block(id, Date.now() + 1000); // an earlier time does not shorten the wait
    expect(await b.blockedUntil(id)).toBe(until);
    expect(await b.blockedUntil(randomUUID())).toBeUndefined();
  });
});
