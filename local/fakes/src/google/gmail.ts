import { Router, type Request, type Response } from 'express';
import { decodeBase64Any, escapeHtml, firstString, stringList } from '../common';
import {
  badRequest,
  notFound,
  requireScope,
  requireToken,
  sendGoogleError,
  tokenOf,
} from './errors';
import {
  matchesQuery,
  parseQuery,
  queryReachesSpamOrTrash,
  type SearchableMessage,
} from './gmail-search';
import {
  buildMessage,
  hasAttachment,
  headerValue,
  parseAddressList,
  parseMessage,
  plainText,
  type MimePart,
  type NewMessage,
} from './mime';
import type { GoogleOAuthStore } from './oauth-store';

export const SYSTEM_LABELS = [
  'INBOX',
  'SENT',
  'UNREAD',
  'STARRED',
  'IMPORTANT',
  'DRAFT',
  'SPAM',
  'TRASH',
  'CATEGORY_PERSONAL',
  'CATEGORY_SOCIAL',
  'CATEGORY_PROMOTIONS',
  'CATEGORY_UPDATES',
  'CATEGORY_FORUMS',
];

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  internalDate: number;
  historyId: number;
  mime: MimePart;
  snippet: string;
}

interface MessageRef {
  id: string;
  threadId: string;
}

interface HistoryRecord {
  id: number;
  messages: MessageRef[];
  messagesAdded?: { message: MessageRef & { labelIds: string[] } }[];
  labelsAdded?: { message: MessageRef & { labelIds: string[] }; labelIds: string[] }[];
  labelsRemoved?: { message: MessageRef & { labelIds: string[] }; labelIds: string[] }[];
}

/** A summary of a stored message for test assertions. */
export interface GmailMessageSummary {
  id: string;
  threadId: string;
  labelIds: string[];
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  messageId: string;
  inReplyTo?: string;
  text: string;
  internalDate: number;
}

let messageCounter = 0;
function nextMessageId(): string {
  messageCounter += 1;
  return (0x190000000000000n + BigInt(Date.now()) * 1000n + BigInt(messageCounter)).toString(16);
}

function snippetOf(mime: MimePart): string {
  // Gmail's snippets are HTML-escaped and about 200 characters long.
  return escapeHtml(plainText(mime).replace(/\s+/g, ' ').trim().slice(0, 200));
}

export class Mailbox {
  historyId = 1000;
  /** startHistoryId values below this answer 404, as when Gmail has dropped old history. */
  historyFloor = 0;
  readonly messages: StoredMessage[] = [];
  readonly history: HistoryRecord[] = [];

  constructor(readonly email: string) {}

  find(id: string): StoredMessage | undefined {
    return this.messages.find((m) => m.id === id);
  }

  private threadFor(mime: MimePart, threadId: string | undefined): string | undefined {
    if (threadId && this.messages.some((m) => m.threadId === threadId)) return threadId;
    const refs = `${headerValue(mime.headers, 'In-Reply-To') ?? ''} ${headerValue(mime.headers, 'References') ?? ''}`;
    const ids: string[] = refs.match(/<[^>]+>/g) ?? [];
    return this.messages.find((m) => ids.includes(headerValue(m.mime.headers, 'Message-ID') ?? ''))
      ?.threadId;
  }

  insert(raw: Buffer, labelIds: string[], internalDate: number, threadId?: string): StoredMessage {
    const mime = parseMessage(raw);
    const id = nextMessageId();
    this.historyId += 1;
    const message: StoredMessage = {
      id,
      threadId: this.threadFor(mime, threadId) ?? id,
      labelIds: [...new Set(labelIds)],
      raw,
      internalDate,
      historyId: this.historyId,
      mime,
      snippet: snippetOf(mime),
    };
    this.messages.push(message);
    const ref = { id, threadId: message.threadId };
    this.history.push({
      id: this.historyId,
      messages: [ref],
      messagesAdded: [{ message: { ...ref, labelIds: message.labelIds } }],
    });
    return message;
  }

  modify(message: StoredMessage, add: string[], remove: string[]): void {
    const added = add.filter((l) => !message.labelIds.includes(l));
    const removed = remove.filter((l) => message.labelIds.includes(l));
    if (added.length === 0 && removed.length === 0) return;
    message.labelIds = [...message.labelIds.filter((l) => !removed.includes(l)), ...added];
    this.historyId += 1;
    message.historyId = this.historyId;
    const ref = { id: message.id, threadId: message.threadId, labelIds: message.labelIds };
    this.history.push({
      id: this.historyId,
      messages: [{ id: message.id, threadId: message.threadId }],
      ...(added.length ? { labelsAdded: [{ message: ref, labelIds: added }] } : {}),
      ...(removed.length ? { labelsRemoved: [{ message: ref, labelIds: removed }] } : {}),
    });
  }

  searchable(m: StoredMessage): SearchableMessage {
    const h = (name: string) => headerValue(m.mime.headers, name) ?? '';
    return {
      from: h('From'),
      to: h('To'),
      cc: h('Cc'),
      bcc: h('Bcc'),
      subject: h('Subject'),
      text: plainText(m.mime),
      labelIds: m.labelIds,
      internalDate: m.internalDate,
      hasAttachment: hasAttachment(m.mime),
      messageId: h('Message-ID').trim(),
    };
  }

  summary(m: StoredMessage): GmailMessageSummary {
    const h = (name: string) => headerValue(m.mime.headers, name);
    return {
      id: m.id,
      threadId: m.threadId,
      labelIds: [...m.labelIds],
      from: h('From') ?? '',
      to: parseAddressList(h('To')),
      cc: parseAddressList(h('Cc')),
      bcc: parseAddressList(h('Bcc')),
      subject: h('Subject') ?? '',
      messageId: h('Message-ID') ?? '',
      inReplyTo: h('In-Reply-To'),
      text: plainText(m.mime),
      internalDate: m.internalDate,
    };
  }
}

const G = 'https://www.googleapis.com/auth/';
const FULL = 'https://mail.google.com/';
const SEND = [FULL, `${G}gmail.send`, `${G}gmail.compose`, `${G}gmail.modify`];
const READ = [FULL, `${G}gmail.readonly`, `${G}gmail.modify`];
const METADATA = [...READ, `${G}gmail.metadata`];
const MODIFY = [FULL, `${G}gmail.modify`];
const ANY_GMAIL = [...new Set([...SEND, ...METADATA, `${G}gmail.labels`, `${G}gmail.insert`])];

interface PayloadPart {
  partId: string;
  mimeType: string;
  filename: string;
  headers: { name: string; value: string }[];
  body: { size: number; data?: string };
  parts?: PayloadPart[];
}

function payloadOf(
  part: MimePart,
  partId: string,
  withBodies: boolean,
  headerNames?: string[],
): PayloadPart {
  const wanted = headerNames?.map((n) => n.toLowerCase());
  const headers = wanted
    ? part.headers.filter((h) => wanted.includes(h.name.toLowerCase()))
    : part.headers;
  const multipart = part.parts.length > 0;
  const payload: PayloadPart = {
    partId,
    mimeType: part.mimeType,
    filename: part.filename,
    headers,
    body:
      multipart || !withBodies
        ? { size: multipart ? 0 : part.body.length }
        : { size: part.body.length, data: part.body.toString('base64url') },
  };
  if (multipart && withBodies)
    payload.parts = part.parts.map((child, i) =>
      payloadOf(child, partId === '' ? String(i) : `${partId}.${i}`, true),
    );
  return payload;
}

export interface GmailContext {
  store: GoogleOAuthStore;
  mailbox(email: string): Mailbox;
  now(): number;
}

/** Deliver or send: the message lands in each seeded recipient's inbox (Bcc removed). */
export function deliverToRecipients(
  ctx: GmailContext,
  raw: Buffer,
  recipients: string[],
  skip: string,
): void {
  const withoutBcc = Buffer.from(
    raw.toString('latin1').replace(/^Bcc:.*(\r?\n[ \t].*)*\r?\n/im, ''),
    'latin1',
  );
  for (const email of new Set(recipients)) {
    if (email === skip || !ctx.store.accounts.has(email)) continue;
    ctx.mailbox(email).insert(withoutBcc, ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'], ctx.now());
  }
}

/** Builds a message from parts, or takes `raw`, and delivers it to `email`'s inbox. */
export function deliverIncoming(
  ctx: GmailContext,
  email: string,
  message: Partial<NewMessage> & { raw?: string | Buffer; labelIds?: string[]; threadId?: string },
): StoredMessage {
  const account = ctx.store.accounts.get(email.toLowerCase());
  if (!account) throw new Error(`no seeded Google account ${email}`);
  const raw =
    message.raw !== undefined
      ? Buffer.from(message.raw)
      : Buffer.from(
          buildMessage({
            from: message.from ?? 'someone@example.com',
            to: message.to ?? account.email,
            cc: message.cc,
            subject: message.subject ?? '',
            text: message.text,
            html: message.html,
            date: message.date,
            messageId:
              message.messageId ??
              `<${Date.now()}.${Math.random().toString(36).slice(2)}@example.com>`,
            inReplyTo: message.inReplyTo,
            headers: message.headers,
          }),
          'utf8',
        );
  return ctx
    .mailbox(account.email)
    .insert(
      raw,
      message.labelIds ?? ['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'],
      ctx.now(),
      message.threadId,
    );
}

function pageOffset(token: string | undefined): number {
  const n = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

function pageToken(offset: number): string {
  return Buffer.from(String(offset)).toString('base64url');
}

function maxResults(value: unknown, dflt: number, cap: number): number {
  const n = Number(firstString(value) ?? dflt);
  return Number.isInteger(n) && n > 0 ? Math.min(n, cap) : dflt;
}

export function gmailRouter(ctx: GmailContext): Router {
  const router = Router();
  const base = '/gmail/v1/users/:userId';
  router.use('/gmail/v1', requireToken(ctx.store));

  const mailboxOf = (req: Request, res: Response): Mailbox | undefined => {
    const account = ctx.store.accountBySub(tokenOf(res).sub)!;
    const userId = String(req.params.userId).toLowerCase();
    if (userId !== 'me' && userId !== account.email) {
      sendGoogleError(res, 403, `Delegation denied for ${account.email}`, 'forbidden');
      return undefined;
    }
    return ctx.mailbox(account.email);
  };
  const hasOnlyMetadataScope = (res: Response) =>
    !READ.some((s) => tokenOf(res).scopes.includes(s));

  router.get(`${base}/profile`, requireScope(...ANY_GMAIL), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    res.json({
      emailAddress: mailbox.email,
      messagesTotal: mailbox.messages.length,
      threadsTotal: new Set(mailbox.messages.map((m) => m.threadId)).size,
      historyId: String(mailbox.historyId),
    });
  });

  router.get(`${base}/labels`, requireScope(...ANY_GMAIL), (req, res) => {
    if (!mailboxOf(req, res)) return;
    res.json({ labels: SYSTEM_LABELS.map((id) => ({ id, name: id, type: 'system' })) });
  });

  router.post(`${base}/messages/send`, requireScope(...SEND), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    const body = (req.body ?? {}) as { raw?: unknown; threadId?: unknown };
    if (typeof body.raw !== 'string' || body.raw === '')
      return badRequest(
        res,
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        'invalidArgument',
      );
    let text = decodeBase64Any(body.raw).toString('latin1');
    const mime = parseMessage(Buffer.from(text, 'latin1'));
    const recipients = ['To', 'Cc', 'Bcc'].flatMap((h) =>
      parseAddressList(headerValue(mime.headers, h)),
    );
    if (recipients.length === 0)
      return badRequest(res, 'Recipient address required', 'invalidArgument');
    // Gmail fills in what the client left out.
    const added: string[] = [];
    if (!headerValue(mime.headers, 'From')) added.push(`From: ${mailbox.email}`);
    if (!headerValue(mime.headers, 'Date'))
      added.push(`Date: ${new Date(ctx.now()).toUTCString().replace('GMT', '+0000')}`);
    if (!headerValue(mime.headers, 'Message-ID'))
      added.push(
        `Message-ID: <fake.${Date.now()}.${Math.random().toString(36).slice(2)}@mail.gmail.com>`,
      );
    if (added.length) text = `${added.join('\r\n')}\r\n${text}`;
    const raw = Buffer.from(text, 'latin1');
    const toSelf = recipients.includes(mailbox.email);
    const sent = mailbox.insert(
      raw,
      toSelf ? ['SENT', 'INBOX', 'UNREAD'] : ['SENT'],
      ctx.now(),
      typeof body.threadId === 'string' ? body.threadId : undefined,
    );
    deliverToRecipients(ctx, raw, recipients, mailbox.email);
    res.json({ id: sent.id, threadId: sent.threadId, labelIds: sent.labelIds });
  });

  router.get(`${base}/messages`, requireScope(...METADATA), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    const q = firstString(req.query.q);
    if (q && hasOnlyMetadataScope(res))
      return sendGoogleError(
        res,
        403,
        "Metadata scope does not support 'q' parameter",
        'forbidden',
      );
    const terms = parseQuery(q);
    const labelIds = stringList(req.query.labelIds);
    const includeSpamTrash =
      firstString(req.query.includeSpamTrash) === 'true' || queryReachesSpamOrTrash(terms);
    const now = ctx.now();
    const found = mailbox.messages
      .filter((m) => includeSpamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
      .filter((m) => labelIds.every((l) => m.labelIds.includes(l)))
      .filter((m) => matchesQuery(mailbox.searchable(m), terms, now))
      .sort((a, b) => b.internalDate - a.internalDate || b.historyId - a.historyId);
    const offset = pageOffset(firstString(req.query.pageToken));
    const size = maxResults(req.query.maxResults, 100, 500);
    const page = found.slice(offset, offset + size);
    res.json({
      ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      ...(offset + size < found.length ? { nextPageToken: pageToken(offset + size) } : {}),
      resultSizeEstimate: found.length,
    });
  });

  router.get(`${base}/messages/:id`, requireScope(...METADATA), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    const message = mailbox.find(String(req.params.id));
    if (!message) return notFound(res);
    const format = firstString(req.query.format) ?? 'full';
    if (!['full', 'metadata', 'minimal', 'raw'].includes(format))
      return badRequest(res, `Invalid format: ${format}`);
    if (hasOnlyMetadataScope(res) && (format === 'full' || format === 'raw'))
      return sendGoogleError(
        res,
        403,
        `Metadata scope doesn't allow format ${format.toUpperCase()}`,
        'forbidden',
      );
    const common = {
      id: message.id,
      threadId: message.threadId,
      labelIds: message.labelIds,
      snippet: message.snippet,
      sizeEstimate: message.raw.length,
      historyId: String(message.historyId),
      internalDate: String(message.internalDate),
    };
    if (format === 'raw') return res.json({ ...common, raw: message.raw.toString('base64url') });
    if (format === 'minimal') return res.json(common);
    const metadataHeaders = stringList(req.query.metadataHeaders);
    res.json({
      ...common,
      payload:
        format === 'full'
          ? payloadOf(message.mime, '', true)
          : payloadOf(
              message.mime,
              '',
              false,
              metadataHeaders.length ? metadataHeaders : undefined,
            ),
    });
  });

  router.post(`${base}/messages/:id/modify`, requireScope(...MODIFY), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    const message = mailbox.find(String(req.params.id));
    if (!message) return notFound(res);
    const body = (req.body ?? {}) as { addLabelIds?: unknown; removeLabelIds?: unknown };
    mailbox.modify(message, stringList(body.addLabelIds), stringList(body.removeLabelIds));
    res.json({ id: message.id, threadId: message.threadId, labelIds: message.labelIds });
  });

  router.get(`${base}/history`, requireScope(...METADATA), (req, res) => {
    const mailbox = mailboxOf(req, res);
    if (!mailbox) return;
    const raw = firstString(req.query.startHistoryId);
    if (!raw) return badRequest(res, 'Missing required parameter: startHistoryId', 'required');
    const start = Number(raw);
    if (!Number.isInteger(start) || start < 0) return badRequest(res, 'Invalid startHistoryId');
    if (start < mailbox.historyFloor) return notFound(res);
    const types = stringList(req.query.historyTypes);
    const labelId = firstString(req.query.labelId);
    const records = mailbox.history
      .filter((r) => r.id > start)
      .map((r) => {
        const keep = <T extends { message: { labelIds: string[] } }>(
          items: T[] | undefined,
          type: string,
        ) =>
          items && (types.length === 0 || types.includes(type))
            ? items.filter((i) => !labelId || i.message.labelIds.includes(labelId))
            : [];
        const added = keep(r.messagesAdded, 'messageAdded');
        const labelsAdded = keep(r.labelsAdded, 'labelAdded');
        const labelsRemoved = keep(r.labelsRemoved, 'labelRemoved');
        if (added.length + labelsAdded.length + labelsRemoved.length === 0) return undefined;
        return {
          id: String(r.id),
          messages: r.messages,
          ...(added.length ? { messagesAdded: added } : {}),
          ...(labelsAdded.length ? { labelsAdded } : {}),
          ...(labelsRemoved.length ? { labelsRemoved } : {}),
        };
      })
      .filter((r) => r !== undefined);
    const offset = pageOffset(firstString(req.query.pageToken));
    const size = maxResults(req.query.maxResults, 100, 500);
    const page = records.slice(offset, offset + size);
    res.json({
      ...(page.length ? { history: page } : {}),
      ...(offset + size < records.length ? { nextPageToken: pageToken(offset + size) } : {}),
      historyId: String(mailbox.historyId),
    });
  });

  // Uploads, threads, drafts, attachments, watch and other endpoints are not faked.
  router.use('/gmail/v1', (_req, res) => notFound(res));
  return router;
}
