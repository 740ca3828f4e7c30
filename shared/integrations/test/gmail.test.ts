import { randomUUID } from 'node:crypto';
import { startFakeGoogle } from '@flowgenie/local-fakes';
import { PermanentStepError, RetryableStepError } from '@flowgenie/workflow';
import {
  GMAIL_READ_SCOPE,
  GMAIL_SEND_SCOPE,
  gmailSearchNode,
  gmailSendNode,
  memoryRateGate,
} from '../src/actions';
import { recordingLogger, providerFixture, runAttempt } from './support';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

const fx = providerFixture(
  () => startFakeGoogle({ accounts: [{ email: ALICE }, { email: BOB }, { email: CAROL }] }),
  (google, conns) => {
    const scopes = [GMAIL_SEND_SCOPE, GMAIL_READ_SCOPE];
    const token = google.issueToken({ email: ALICE, scopes }).accessToken;
    return { token, connectionId: conns.add('google', token, ALICE, scopes) };
  },
);

const run = (
  config: Record<string, unknown>,
  more: Partial<Parameters<typeof runAttempt>[0]> = {},
) =>
  runAttempt({
    nodeType: gmailSendNode,
    config: { connectionId: fx.connectionId, ...config },
    access: fx.conns.port,
    apiUrls: { google: `${fx.fake.url}/` },
    ...more,
  });

function decodeRaw(raw: string): string {
  return Buffer.from(raw, 'base64url').toString('utf8');
}

describe('gmail_send', () => {
  it('sends the message as Gmail documents it: a base64url RFC 5322 message with the connection’s token, and links to it', async () => {
    const logger = recordingLogger();
    const { result, error } = await run(
      {
        to: 'Bob Example <bob@example.com>',
        cc: CAROL,
        bcc: 'dave@elsewhere.example',
        subject: 'Quarterly report ✓',
        text: 'Plain body',
        html: '<p>HTML body</p>',
      },
      { logger },
    );
    expect(error).toBeUndefined();
    const sends = fx.fake.requests('/gmail/v1/users/me/messages/send');
    expect(sends).toHaveLength(1);
    expect(sends[0].method).toBe('POST');
    expect(sends[0].headers.authorization).toBe(`Bearer ${fx.token}`);
    const mime = decodeRaw((sends[0].body as { raw: string }).raw);
    expect(mime).toMatch(/^To: "Bob Example" <bob@example.com>$/m);
    expect(mime).toMatch(/^Cc: carol@example.com$/m);
    expect(mime).toMatch(/^Bcc: dave@elsewhere.example$/m);
    expect(mime).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(mime).toMatch(/^Content-Type: multipart\/alternative; boundary=/m);
    const output = result!.output as {
      id: string;
      threadId: string;
      messageId: string;
      link: string;
    };
    expect(output.link).toBe(`https://mail.google.com/mail/u/0/#all/${output.id}`);
    expect(mime).toContain(`Message-ID: ${output.messageId}`);
    // Bob received it, with both bodies and the subject decoded.
    const received = fx.fake.gmailMessages(BOB).find((m) => m.messageId === output.messageId);
    expect(received).toMatchObject({
      subject: 'Quarterly report ✓',
      text: expect.stringContaining('Plain body'),
    });
    expect(fx.fake.gmailMessages(CAROL).some((m) => m.messageId === output.messageId)).toBe(true);
    // The token is in no output or log line.
    expect(JSON.stringify(result)).not.toContain(fx.token);
    expect(logger.lines.join('\n')).not.toContain(fx.token);
    expect(fx.conns.accesses[0]).toMatchObject({
      connectionId: fx.connectionId,
      requiredScopes: [GMAIL_SEND_SCOPE],
    });
  });

  it('encodes long non-ASCII subjects and names in RFC 2047 words that come out whole, and folds long recipient lists', async () => {
    const subject = 'Relevé trimestriel — les résultats détaillés de l’équipe à Zürich ✓ ✓ ✓';
    const to = [
      'Zoë Ünal <bob@example.com>',
      ...Array.from({ length: 40 }, (_, i) => `person${i}@elsewhere.example`),
    ].join(', ');
    const { result, error } = await run({ to, subject, text: 'x' });
    expect(error).toBeUndefined();
    const mime = decodeRaw(
      (fx.fake.requests('/gmail/v1/users/me/messages/send')[0].body as { raw: string }).raw,
    );
    for (const line of mime.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    for (const word of mime.match(/=\?UTF-8\?B\?[^?]*\?=/g) ?? [])
      expect(word.length).toBeLessThanOrEqual(75);
    const received = fx.fake
      .gmailMessages(BOB)
      .find((m) => m.messageId === (result!.output as { messageId: string }).messageId)!;
    expect(received.subject).toBe(subject);
    expect(received.to).toHaveLength(41);
  });

  it('replies in a thread: threadId in the request, In-Reply-To and References in the message', async () => {
    const incoming = fx.fake.deliverEmail(ALICE, {
      from: BOB,
      to: [ALICE],
      subject: 'Question',
      text: 'Can you help?',
      messageId: '<question.1@example.com>',
    });
    const { result, error } = await run({
      to: BOB,
      subject: 'Re: Question',
      text: 'Sure.',
      threadId: incoming.threadId,
      inReplyTo: '<question.1@example.com>',
    });
    expect(error).toBeUndefined();
    const send = fx.fake.requests('/gmail/v1/users/me/messages/send')[0];
    expect((send.body as { threadId: string }).threadId).toBe(incoming.threadId);
    const mime = decodeRaw((send.body as { raw: string }).raw);
    expect(mime).toMatch(/^In-Reply-To: <question.1@example.com>$/m);
    expect(mime).toMatch(/^References: <question.1@example.com>$/m);
    expect((result!.output as { threadId: string }).threadId).toBe(incoming.threadId);
  });

  it('a retry after an attempt whose answer was lost finds the sent message instead of sending it twice', async () => {
    const executionId = randomUUID();
    const config = { to: BOB, subject: 'Only once', text: 'once' };
    const first = await run(config, { executionId, attempt: 1 });
    expect(first.error).toBeUndefined();
    // Attempt 2 (the executor's next attempt after an interrupted one) of the same step.
    const second = await run(config, { executionId, attempt: 2 });
    expect(second.error).toBeUndefined();
    expect(fx.fake.requests('/gmail/v1/users/me/messages/send')).toHaveLength(1);
    const search = fx.fake.requests('/gmail/v1/users/me/messages').find((r) => r.method === 'GET');
    expect(String(search!.query.q)).toMatch(
      /^in:sent rfc822msgid:flowgenie\.[0-9a-v]+@example\.com$/,
    );
    expect(second.result!.output).toEqual(first.result!.output);
    expect(fx.fake.gmailMessages(BOB).filter((m) => m.subject === 'Only once')).toHaveLength(1);
  });

  it('a retry whose earlier attempt sent nothing sends it', async () => {
    const { result, error } = await run({ to: BOB, subject: 'Late', text: 'x' }, { attempt: 3 });
    expect(error).toBeUndefined();
    expect(fx.fake.requests('/gmail/v1/users/me/messages/send')).toHaveLength(1);
    expect((result!.output as { id: string }).id).toBeTruthy();
  });

  it('fails "outcome unknown" on a retry it cannot check, and sends nothing', async () => {
    const sendOnly = fx.fake.issueToken({ email: ALICE, scopes: [GMAIL_SEND_SCOPE] }).accessToken;
    const id = fx.conns.add('google', sendOnly, ALICE, [GMAIL_SEND_SCOPE]);
    const { error } = await run(
      { connectionId: id, to: BOB, subject: 'x', text: 'x' },
      { attempt: 2 },
    );
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as PermanentStepError).code).toBe('outcome_unknown');
    expect((error as Error).message).toMatch(/^outcome unknown/);
    expect(fx.fake.requests('/gmail/v1/users/me/messages/send')).toHaveLength(0);
  });

  it('sends without looking in Sent when the earlier attempts failed before sending (a rate limit)', async () => {
    const sendOnly = fx.fake.issueToken({ email: ALICE, scopes: [GMAIL_SEND_SCOPE] }).accessToken;
    const id = fx.conns.add('google', sendOnly, ALICE, [GMAIL_SEND_SCOPE]);
    const { error } = await run(
      { connectionId: id, to: BOB, subject: 'after 429', text: 'x' },
      { attempt: 2, previousAttempts: [{ attempt: 1, errorCode: 'rate_limited' }] },
    );
    expect(error).toBeUndefined();
    expect(
      fx.fake.requests('/gmail/v1/users/me/messages').filter((r) => r.method === 'GET'),
    ).toHaveLength(0);
    expect(fx.fake.requests('/gmail/v1/users/me/messages/send')).toHaveLength(1);
  });

  it('honours 429 Retry-After: the step retries after it, and other steps on the connection wait (not counted as attempts) without calling Google', async () => {
    const gate = memoryRateGate();
    fx.fake.forceFailure({
      pathPrefix: '/gmail/v1/users/me/messages/send',
      status: 429,
      retryAfterSeconds: 30,
    });
    const first = await run({ to: BOB, subject: 'a', text: 'a' }, { gate });
    expect(first.error).toBeInstanceOf(RetryableStepError);
    expect((first.error as RetryableStepError).retryAfterMs).toBe(30_000);
    fx.fake.clearRequests();
    const other = await run({ to: CAROL, subject: 'b', text: 'b' }, { gate });
    // It waits (a delay, not a failed attempt) until the connection's block ends.
    expect(other.error).toBeUndefined();
    expect(other.result!.delayUntil).toBe(await gate.blockedUntil(fx.connectionId));
    expect(other.result!.delayUntil).toBeGreaterThan(Date.now() + 28_000);
    expect(fx.fake.requests()).toHaveLength(0);
  });

  it('retries a 5xx', async () => {
    fx.fake.forceFailure({ pathPrefix: '/gmail/v1/users/me/messages/send', status: 503 });
    const { error } = await run({ to: BOB, subject: 'a', text: 'a' });
    expect(error).toBeInstanceOf(RetryableStepError);
    expect((error as RetryableStepError).status).toBe(503);
  });

  it('a token Google refuses (401) is reported to auth and fails the step for good', async () => {
    fx.fake.revokeToken(fx.token);
    const { error } = await run({ to: BOB, subject: 'a', text: 'a' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toMatch(/reconnect it in Connections/);
    expect(fx.conns.reports).toEqual([
      expect.objectContaining({
        connectionId: fx.connectionId,
        status: 'expired',
        reason: expect.stringContaining('401'),
      }),
    ]);
    expect((error as Error).message).not.toContain(fx.token);
  });

  it('a revoked connection fails with the reason, before anything is sent', async () => {
    const revoked = fx.conns.fail('connection_revoked');
    const { error } = await run({ connectionId: revoked, to: BOB, subject: 'a', text: 'a' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toBe('connection revoked: reconnect it in Connections');
    expect(fx.fake.requests()).toHaveLength(0);
  });

  it('refuses a connection of another provider', async () => {
    const slack = fx.conns.add('slack', 'xoxb-1');
    const { error } = await run({ connectionId: slack, to: BOB, subject: 'a', text: 'a' });
    expect(error).toBeInstanceOf(PermanentStepError);
    expect((error as Error).message).toMatch(/needs a Google connection/);
  });
});

describe('gmail_search', () => {
  it('returns the matching messages with sender, subject, snippet, date and link', async () => {
    fx.fake.deliverEmail(ALICE, {
      from: 'Shop <orders@shop.example>',
      to: [ALICE],
      subject: 'Order 42 shipped',
      text: 'Tracking 123',
    });
    fx.fake.deliverEmail(ALICE, { from: BOB, to: [ALICE], subject: 'Lunch?', text: 'noon' });
    const { result, error } = await runAttempt({
      nodeType: gmailSearchNode,
      config: { connectionId: fx.connectionId, query: 'from:shop.example', maxResults: 5 },
      access: fx.conns.port,
      apiUrls: { google: `${fx.fake.url}/` },
    });
    expect(error).toBeUndefined();
    const list = fx.fake
      .requests('/gmail/v1/users/me/messages')
      .find((r) => r.path === '/gmail/v1/users/me/messages');
    expect(list!.query).toMatchObject({ q: 'from:shop.example', maxResults: '5' });
    const output = result!.output as { count: number; messages: Record<string, string>[] };
    expect(output.count).toBe(1);
    expect(output.messages[0]).toMatchObject({
      from: 'Shop <orders@shop.example>',
      subject: 'Order 42 shipped',
      snippet: expect.stringContaining('Tracking 123'),
      link: `https://mail.google.com/mail/u/0/#all/${output.messages[0].id}`,
    });
    expect(Number.isNaN(Date.parse(output.messages[0].date))).toBe(false);
    expect(fx.conns.accesses[0].requiredScopes).toEqual([GMAIL_READ_SCOPE]);
    // Without includeBody the bodies are not fetched.
    expect(output.messages[0]).not.toHaveProperty('text');
  });

  it('returns the text and HTML bodies when asked', async () => {
    fx.fake.deliverEmail(ALICE, {
      from: 'Billing <billing@shop.example>',
      to: [ALICE],
      subject: 'Invoice 7',
      text: 'Amount due: 12 EUR',
      html: '<p>Amount due: <b>12 EUR</b></p>',
    });
    const { result, error } = await runAttempt({
      nodeType: gmailSearchNode,
      config: {
        connectionId: fx.connectionId,
        query: 'from:billing@shop.example',
        includeBody: true,
      },
      access: fx.conns.port,
      apiUrls: { google: `${fx.fake.url}/` },
    });
    expect(error).toBeUndefined();
    const output = result!.output as { messages: Record<string, string>[] };
    expect(output.messages[0]).toMatchObject({
      subject: 'Invoice 7',
      text: expect.stringContaining('Amount due: 12 EUR'),
      html: expect.stringContaining('<b>12 EUR</b>'),
    });
    const get = fx.fake
      .requests('/gmail/v1/users/me/messages/')
      .find((r) => r.method === 'GET' && r.path.startsWith('/gmail/v1/users/me/messages/'));
    expect(get!.query).toMatchObject({ format: 'full' });
  });
});
