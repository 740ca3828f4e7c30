import { randomBytes } from 'node:crypto';
import { gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { z } from 'zod';
import { RetryableStepError, defineNodeType, type StepContext } from '@flowgenie/workflow';
import { gmailBodies } from '../gmail-body';
import { addressList, connectionField, headerText, parseMailbox, splitAddresses } from './fields';
import {
  base32hex,
  earlierAttemptMayHaveActed,
  googleFailure,
  googleOptions,
  googleStatus,
  INTEGRATION_RETRY,
  openSession,
  outcomeUnknown,
  stepDigest,
  type ProviderSession,
} from './provider';

const SCOPE = 'https://www.googleapis.com/auth/';
export const GMAIL_SEND_SCOPE = `${SCOPE}gmail.send`;
export const GMAIL_READ_SCOPE = `${SCOPE}gmail.readonly`;

/** Where a message opens in Gmail's web UI. */
export const gmailLink = (id: string) => `https://mail.google.com/mail/u/0/#all/${id}`;

export const GmailSendConfigSchema = z
  .object({
    connectionId: connectionField(['google'], [GMAIL_SEND_SCOPE]),
    to: addressList(
      'To',
      'Recipients, separated by commas, e.g. "Ann <ann@example.com>, bob@example.com".',
    ),
    cc: addressList('Cc', 'Copy recipients, separated by commas.').optional(),
    bcc: addressList('Bcc', 'Blind copy recipients, separated by commas.').optional(),
    subject: headerText(998).meta({ title: 'Subject' }),
    text: z
      .string()
      .max(5_000_000)
      .optional()
      .meta({ title: 'Text', description: 'Plain-text body.' }),
    html: z.string().max(5_000_000).optional().meta({
      title: 'HTML',
      description: 'HTML body (sent beside the text body when both are set).',
    }),
    threadId: headerText(200).optional().meta({
      title: 'Thread id',
      description: 'Reply in this Gmail thread (e.g. the trigger message’s threadId).',
    }),
    inReplyTo: headerText(998)
      .regex(/^<[^<>\s]+>$/, 'must be a Message-ID in angle brackets, e.g. <abc@mail.gmail.com>')
      .optional()
      .meta({
        title: 'In reply to (Message-ID)',
        description:
          'The Message-ID of the message answered; sets In-Reply-To and References so mail clients thread it.',
      }),
  })
  .refine((c) => (c.text ?? '') !== '' || (c.html ?? '') !== '', {
    message: 'needs a text or an HTML body',
    path: ['text'],
  });
export type GmailSendConfig = z.output<typeof GmailSendConfigSchema>;

export interface GmailSendOutput {
  id: string;
  threadId: string;
  /** The RFC 5322 Message-ID the message was sent with (the same on every attempt). */
  messageId: string;
  link: string;
  /** With `includeBody`: the text/plain and text/html bodies (empty when the message has none). */
  text?: string;
  html?: string;
}

/** The Message-ID a step's message carries: the same on every attempt, so a retry can find it in Sent. */
export function stepMessageId(executionId: string, nodeId: string, account: string | null): string {
  const domain = /@([A-Za-z0-9.-]+)$/.exec(account ?? '')?.[1] ?? 'flowgenie.invalid';
  return `<flowgenie.${base32hex(stepDigest(executionId, nodeId)).slice(0, 40)}@${domain}>`;
}

/** RFC 2047 encoded words for non-ASCII text (at most 75 characters each, folded between them). */
function encodeWord(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char, 'utf8') > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** A display name: quoted when ASCII, encoded words otherwise (never inside quotes). */
function displayName(name: string): string {
  const clean = name.replace(/["\\]/g, '');
  return /^[\x20-\x7e]*$/.test(clean) ? `"${clean}"` : encodeWord(clean);
}

function formatAddresses(list: string): string {
  return (
    splitAddresses(list)
      .map((part) => {
        const box = parseMailbox(part)!;
        return box.name ? `${displayName(box.name)} <${box.address}>` : box.address;
      })
      // Folded, one address a line: long lists stay under the 998-character line limit.
      .join(',\r\n ')
  );
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** The RFC 5322 message Gmail sends (`raw`). */
export function buildMimeMessage(config: GmailSendConfig, messageId: string): string {
  const headers = [
    `To: ${formatAddresses(config.to)}`,
    ...(config.cc ? [`Cc: ${formatAddresses(config.cc)}`] : []),
    ...(config.bcc ? [`Bcc: ${formatAddresses(config.bcc)}`] : []),
    `Subject: ${encodeWord(config.subject)}`,
    `Message-ID: ${messageId}`,
    ...(config.inReplyTo
      ? [`In-Reply-To: ${config.inReplyTo}`, `References: ${config.inReplyTo}`]
      : []),
    'MIME-Version: 1.0',
  ];
  const part = (type: string, body: string) =>
    [
      `Content-Type: ${type}; charset="UTF-8"`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(body),
    ].join('\r\n');
  const bodies = [
    ...(config.text ? [part('text/plain', config.text)] : []),
    ...(config.html ? [part('text/html', config.html)] : []),
  ];
  if (bodies.length === 1) return [...headers, bodies[0]].join('\r\n');
  const boundary = `fg_${randomBytes(12).toString('hex')}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    ...bodies.flatMap((b) => [`--${boundary}`, b]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function gmailClient(ctx: StepContext<unknown>, session: ProviderSession) {
  return new gmail_v1.Gmail(googleOptions(ctx, session));
}

export const gmailSendNode = defineNodeType({
  type: 'gmail_send',
  version: 1,
  category: 'action',
  displayName: 'Gmail: send email',
  description:
    'Sends an email from a Google account (text and/or HTML, cc, bcc, replies in a thread). A retry never sends the same message twice.',
  config: GmailSendConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'Gmail message id' },
      threadId: { type: 'string' },
      messageId: { type: 'string', description: 'RFC 5322 Message-ID header' },
      link: { type: 'string', description: 'Opens the message in Gmail' },
    },
    required: ['id', 'threadId', 'messageId', 'link'],
  },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const session = await openSession(ctx, config.connectionId, 'google', [GMAIL_SEND_SCOPE]);
    const gmail = gmailClient(ctx, session);
    const messageId = stepMessageId(ctx.executionId, ctx.nodeId, session.account);
    const done = (id: string, threadId: string) => ({
      output: { id, threadId, messageId, link: gmailLink(id) } satisfies GmailSendOutput,
    });
    if (earlierAttemptMayHaveActed(ctx)) {
      // An earlier attempt may have sent it (its answer lost, or its worker stopped): look in Sent.
      const found = await findSent(ctx, session, gmail, messageId);
      if (found) {
        ctx.logger?.info(
          { attempt: ctx.attempt },
          'gmail_send: found the message an earlier attempt sent',
        );
        return done(found.id, found.threadId);
      }
    }
    const raw = Buffer.from(buildMimeMessage(config, messageId), 'utf8').toString('base64url');
    try {
      const res = await gmail.users.messages.send(
        {
          userId: 'me',
          requestBody: { raw, ...(config.threadId ? { threadId: config.threadId } : {}) },
        },
        { signal: ctx.signal },
      );
      return done(res.data.id ?? '', res.data.threadId ?? '');
    } catch (err) {
      throw await googleFailure(ctx, session, err, 'sending the email');
    }
  },
});

async function findSent(
  ctx: StepContext<unknown>,
  session: ProviderSession,
  gmail: gmail_v1.Gmail,
  messageId: string,
): Promise<{ id: string; threadId: string } | undefined> {
  try {
    const res = await gmail.users.messages.list(
      { userId: 'me', q: `in:sent rfc822msgid:${messageId.slice(1, -1)}`, maxResults: 1 },
      { signal: ctx.signal },
    );
    const hit = res.data.messages?.[0];
    return hit?.id ? { id: hit.id, threadId: hit.threadId ?? hit.id } : undefined;
  } catch (err) {
    const failure = await googleFailure(ctx, session, err, 'checking Sent for an earlier attempt');
    // Worth another try later (rate limit, outage); anything else means it cannot be checked.
    if (failure instanceof RetryableStepError) throw failure;
    if (googleStatus(err) === 401) throw failure;
    throw outcomeUnknown('sent this email', failure.message);
  }
}

export const GmailSearchConfigSchema = z.object({
  connectionId: connectionField(['google'], [GMAIL_READ_SCOPE]),
  query: z
    .string()
    .min(1, 'enter a Gmail search, e.g. from:alice@example.com is:unread')
    .max(2000)
    .meta({
      title: 'Search',
      description: 'Gmail search syntax, e.g. "from:alice@example.com newer_than:2d".',
    }),
  maxResults: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .meta({ title: 'Max results', description: 'At most this many messages, newest first.' }),
  includeBody: z.boolean().default(false).meta({
    title: 'Include bodies',
    description: 'Also return each message’s text and HTML body (one larger request per message).',
  }),
});

export interface GmailSearchMessage {
  id: string;
  threadId: string;
  from: string;
  to: string;
  subject: string;
  snippet: string;
  /** ISO 8601, from Gmail's internal date. */
  date: string;
  messageId: string;
  link: string;
}

export const gmailSearchNode = defineNodeType({
  type: 'gmail_search',
  version: 1,
  category: 'action',
  displayName: 'Gmail: search emails',
  description:
    'Finds messages matching a Gmail search and returns their sender, subject, snippet and date.',
  config: GmailSearchConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      count: { type: 'integer' },
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            [
              'id',
              'threadId',
              'from',
              'to',
              'subject',
              'snippet',
              'date',
              'messageId',
              'link',
              'text',
              'html',
            ].map((k) => [k, { type: 'string' }]),
          ),
        },
      },
    },
    required: ['count', 'messages'],
  },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const session = await openSession(ctx, config.connectionId, 'google', [GMAIL_READ_SCOPE]);
    const gmail = gmailClient(ctx, session);
    try {
      const list = await gmail.users.messages.list(
        { userId: 'me', q: config.query, maxResults: config.maxResults },
        { signal: ctx.signal },
      );
      const messages: GmailSearchMessage[] = [];
      for (const ref of list.data.messages ?? []) {
        if (!ref.id) continue;
        const { data } = await gmail.users.messages.get(
          {
            userId: 'me',
            id: ref.id,
            ...(config.includeBody
              ? { format: 'full' }
              : {
                  format: 'metadata',
                  metadataHeaders: ['From', 'To', 'Subject', 'Date', 'Message-ID'],
                }),
          },
          { signal: ctx.signal },
        );
        const header = (name: string) =>
          data.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ??
          '';
        messages.push({
          id: ref.id,
          threadId: data.threadId ?? ref.threadId ?? ref.id,
          from: header('From'),
          to: header('To'),
          subject: header('Subject'),
          snippet: data.snippet ?? '',
          date: data.internalDate
            ? new Date(Number(data.internalDate)).toISOString()
            : header('Date'),
          messageId: header('Message-ID'),
          link: gmailLink(ref.id),
          ...(config.includeBody ? gmailBodies(data.payload) : {}),
        });
      }
      return { output: { count: messages.length, messages } };
    } catch (err) {
      throw await googleFailure(ctx, session, err, 'searching Gmail');
    }
  },
});
