import { randomUUID } from 'node:crypto';
import { startFakeSlack } from '@flowgenie/local-fakes';
import { PermanentStepError, RetryableStepError } from '@flowgenie/workflow';
import { memoryRateGate, slackListChannelsNode, slackPostMessageNode } from '../src/actions';
import { recordingLogger, providerFixture, runAttempt } from './support';

const APP = {
  clientId: '1111.2222',
  clientSecret: 'slack-client-secret',
  signingSecret: 'slack-signing-secret',
  redirectUris: ['http://127.0.0.1:9/slack/callback'],
  appId: 'A0FLOWGENIE',
  botUserId: 'U0BOT',
};
const SCOPES = [
  'chat:write',
  'chat:write.public',
  'channels:read',
  'channels:history',
  'groups:read',
];

const fx = providerFixture(
  () =>
    startFakeSlack({
      apps: [APP],
      users: [{ id: 'U0ALICE', name: 'alice' }],
      channels: [
        { id: 'C0GENERAL', name: 'general' },
        { id: 'C0RANDOM', name: 'random', botIsMember: false },
        { id: 'G0SECRET', name: 'secret', isPrivate: true },
      ],
    }),
  (slack, conns) => {
    const token = slack.issueToken({ scopes: SCOPES });
    return {
      token,
      connectionId: conns.add('slack', token, 'FlowGenie Test (T0FAKETEAM)', SCOPES),
    };
  },
);

const post = (
  config: Record<string, unknown>,
  more: Partial<Parameters<typeof runAttempt>[0]> = {},
) =>
  runAttempt({
    nodeType: slackPostMessageNode,
    config: { connectionId: fx.connectionId, ...config },
    access: fx.conns.port,
    apiUrls: { slack: fx.fake.apiUrl },
    ...more,
  });

describe('slack_post_message', () => {
  it('posts with chat.postMessage as Slack documents it (text, blocks, metadata) and returns the permalink', async () => {
    const executionId = randomUUID();
    const logger = recordingLogger();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*New mail*' } }];
    const { result, error } = await post(
      { channel: 'C0GENERAL', text: 'New mail', blocks: JSON.stringify(blocks) },
      { executionId, nodeId: 'notify', logger },
    );
    expect(error).toBeUndefined();
    const [call] = fx.fake.calls('chat.postMessage');
    expect(call.args).toMatchObject({ channel: 'C0GENERAL', text: 'New mail' });
    expect(JSON.parse(String(call.args.blocks))).toEqual(blocks);
    expect(JSON.parse(String(call.args.metadata))).toEqual({
      event_type: 'flowgenie_step',
      event_payload: { execution_id: executionId, step_id: 'notify' },
    });
    const [request] = fx.fake.requests().filter((r) => r.path === '/api/chat.postMessage');
    expect(request.headers.authorization).toBe(`Bearer ${fx.token}`);
    const output = result!.output as { channel: string; ts: string; link: string };
    const [permalink] = fx.fake.calls('chat.getPermalink');
    expect(permalink.args).toMatchObject({ channel: 'C0GENERAL', message_ts: output.ts });
    expect(output.link).toMatch(/\/archives\/C0GENERAL\/p\d+/);
    expect(
      fx.fake.messages('C0GENERAL').some((m) => m.ts === output.ts && m.text === 'New mail'),
    ).toBe(true);
    expect(JSON.stringify(result)).not.toContain(fx.token);
    expect(logger.lines.join('\n')).not.toContain(fx.token);
  });

  it('replies in a thread with thread_ts', async () => {
    const parent = await fx.fake.userPostsMessage({ channel: 'C0GENERAL', text: 'question' });
    const { result, error } = await post({
      channel: 'C0GENERAL',
      text: 'answer',
      threadTs: parent.ts,
    });
    expect(error).toBeUndefined();
    expect(fx.fake.calls('chat.postMessage')[0].args.thread_ts).toBe(parent.ts);
    expect(result!.output).toMatchObject({ threadTs: parent.ts });
  });

  it('a retry after an attempt whose answer was lost finds the message by its metadata instead of posting twice', async () => {
    const executionId = randomUUID();
    const config = { channel: 'C0GENERAL', text: 'exactly once' };
    const first = await post(config, { executionId, attempt: 1 });
    const second = await post(config, { executionId, attempt: 2 });
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(fx.fake.calls('chat.postMessage')).toHaveLength(1);
    const [history] = fx.fake.calls('conversations.history');
    expect(history.args).toMatchObject({ channel: 'C0GENERAL', include_all_metadata: 'true' });
    expect(second.result!.output).toEqual(first.result!.output);
    expect(fx.fake.messages('C0GENERAL').filter((m) => m.text === 'exactly once')).toHaveLength(1);
    // A reply in a thread is looked for among the thread's replies.
    const parent = await fx.fake.userPostsMessage({ channel: 'C0GENERAL', text: 'thread' });
    const reply = { channel: 'C0GENERAL', text: 'in thread once', threadTs: parent.ts };
    await post(reply, { executionId, nodeId: 'r', attempt: 1 });
    await post(reply, { executionId, nodeId: 'r', attempt: 2 });
    expect(fx.fake.messages('C0GENERAL').filter((m) => m.text === 'in thread once')).toHaveLength(
      1,
    );
    expect(fx.fake.calls('conversations.replies')[0].args).toMatchObject({
      ts: parent.ts,
      include_all_metadata: 'true',
    });
  });

  it('fails "outcome unknown" on a retry it cannot check (the bot cannot read the channel), posting nothing', async () => {
    const { error } = await post({ channel: 'C0RANDOM', text: 'hi' }, { attempt: 2 });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as PermanentStepError).code).toBe('outcome_unknown');
    expect(fx.fake.calls('chat.postMessage')).toHaveLength(0);
  });

  it('does not look for an earlier post when the earlier attempts are known to have posted nothing', async () => {
    const { error } = await post(
      { channel: 'C0RANDOM', text: 'after a rate limit' },
      { attempt: 2, previousAttempts: [{ attempt: 1, errorCode: 'rate_limited' }] },
    );
    expect(error).toBeUndefined();
    expect(fx.fake.calls('conversations.history')).toHaveLength(0);
    expect(fx.fake.calls('chat.postMessage')).toHaveLength(1);
    // An interrupted earlier attempt may have posted: that one is looked for (and cannot be here).
    const again = await post(
      { channel: 'C0RANDOM', text: 'after a crash' },
      {
        attempt: 3,
        previousAttempts: [
          { attempt: 1, errorCode: 'rate_limited' },
          { attempt: 2, errorCode: 'interrupted' },
        ],
      },
    );
    expect((again.error as PermanentStepError).code).toBe('outcome_unknown');
  });

  it('a failure after the post went out (its link) is marked so that the retry looks for the post', async () => {
    fx.fake.forceRateLimit({ method: 'chat.getPermalink', retryAfterSeconds: 1 });
    const { error } = await post({ channel: 'C0GENERAL', text: 'posted, link failed' });
    expect(error).toBeInstanceOf(RetryableStepError);
    expect((error as RetryableStepError).code).toBe('posted_link_failed');
    expect((error as RetryableStepError).retryAfterMs).toBe(1000);
  });

  it('honours 429 Retry-After: the step retries after it and other steps on the connection wait without calling Slack', async () => {
    const gate = memoryRateGate();
    fx.fake.forceRateLimit({ method: 'chat.postMessage', retryAfterSeconds: 20 });
    const first = await post({ channel: 'C0GENERAL', text: 'a' }, { gate });
    expect(first.error).toBeInstanceOf(RetryableStepError);
    expect((first.error as RetryableStepError).retryAfterMs).toBe(20_000);
    fx.fake.clearRequests();
    const other = await runAttempt({
      nodeType: slackListChannelsNode,
      config: { connectionId: fx.connectionId },
      access: fx.conns.port,
      apiUrls: { slack: fx.fake.apiUrl },
      gate,
    });
    expect(other.error).toBeUndefined();
    expect(other.result!.delayUntil).toBeGreaterThan(Date.now() + 18_000);
    expect(fx.fake.requests()).toHaveLength(0);
  });

  it('a revoked token is reported to auth and fails the step for good', async () => {
    fx.fake.revokeToken(fx.token);
    const { error } = await post({ channel: 'C0GENERAL', text: 'a' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toMatch(/token_revoked.*reconnect it in Connections/);
    expect(fx.conns.reports).toEqual([
      expect.objectContaining({ connectionId: fx.connectionId, status: 'revoked' }),
    ]);
  });

  it('says what to do when the app is not in the channel', async () => {
    const narrow = fx.fake.issueToken({ scopes: ['chat:write'] });
    const id = fx.conns.add('slack', narrow);
    const { error } = await post({ connectionId: id, channel: 'C0RANDOM', text: 'hi' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toBe(
      'posting the message: Slack answered not_in_channel (invite the app to the channel, e.g. /invite @FlowGenie)',
    );
  });

  it('a Slack error such as an archived channel fails for good with its name', async () => {
    fx.fake.forceError({ method: 'chat.postMessage', error: 'is_archived' });
    const { error } = await post({ channel: 'C0GENERAL', text: 'a' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toMatch(/is_archived/);
  });
});

describe('slack_list_channels', () => {
  it('lists the workspace’s channels with conversations.list', async () => {
    const { result, error } = await runAttempt({
      nodeType: slackListChannelsNode,
      config: { connectionId: fx.connectionId, includePrivate: true },
      access: fx.conns.port,
      apiUrls: { slack: fx.fake.apiUrl },
    });
    expect(error).toBeUndefined();
    expect(fx.fake.calls('conversations.list')[0].args).toMatchObject({
      types: 'public_channel,private_channel',
      exclude_archived: 'true',
    });
    const output = result!.output as {
      channels: { id: string; name: string; isPrivate: boolean }[];
    };
    expect(output.channels.map((c) => c.id).sort()).toEqual(['C0GENERAL', 'C0RANDOM', 'G0SECRET']);
    expect(output.channels.find((c) => c.id === 'G0SECRET')!.isPrivate).toBe(true);
    expect(fx.conns.accesses[0].requiredScopes).toEqual(['channels:read', 'groups:read']);
  });
});
