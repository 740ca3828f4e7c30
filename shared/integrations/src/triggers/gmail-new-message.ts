import { defineNodeType } from '@flowgenie/workflow';
import { z } from 'zod';
import { connectionField, passTrigger, pollIntervalField } from './fields';

export const GMAIL_READ_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';

/** One new Gmail message: the gmail_new_message node's output and `trigger` in expressions. */
export const GmailMessagePayloadSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  snippet: z.string(),
  /** The Date header as sent, and the time Gmail received it (ISO 8601). */
  date: z.string(),
  receivedAt: z.string(),
  labelIds: z.array(z.string()),
  /** Opens the message in Gmail. */
  link: z.string(),
  /** The text/plain and text/html bodies (empty when the message has none; cut at 100,000 characters). */
  text: z.string(),
  html: z.string(),
});
export type GmailMessagePayload = z.infer<typeof GmailMessagePayloadSchema>;

export const GmailNewMessageConfigSchema = z.object({
  connectionId: connectionField(['google'], [GMAIL_READ_SCOPE], {
    title: 'Google account',
    description: 'The connected Google account whose mailbox is watched.',
  }),
  query: z.string().trim().max(500).default('').meta({
    title: 'Search',
    description:
      'Gmail search the message must match, e.g. "from:boss is:unread". Empty: every new message in the inbox.',
  }),
  pollIntervalMinutes: pollIntervalField,
});
export type GmailNewMessageConfig = z.output<typeof GmailNewMessageConfigSchema>;

export const gmailNewMessageNode = defineNodeType({
  type: 'gmail_new_message',
  version: 1,
  category: 'trigger',
  displayName: 'Gmail: new message',
  description:
    'Starts the workflow once for each new Gmail message matching a search (messages already in the mailbox when the workflow is activated do not count).',
  config: GmailNewMessageConfigSchema,
  outputs: ['main'],
  outputSchema: z.toJSONSchema(GmailMessagePayloadSchema) as Record<string, unknown>,
  run: passTrigger,
});
