import { z } from 'zod';
import { RetryableStepError, defineNodeType, type StepContext } from '@flowgenie/workflow';
import type { WebClient } from '@slack/web-api';
import { connectionField, optionsMeta } from './fields';
import {
  earlierAttemptMayHaveActed,
  INTEGRATION_RETRY,
  openSession,
  outcomeUnknown,
  slackClient,
  slackErrorName,
  slackFailure,
  type ProviderSession,
} from './provider';

/** The `metadata.event_type` of every message a step posts (Slack's message metadata). */
export const SLACK_STEP_EVENT_TYPE = 'flowgenie_step';

function blocksError(value: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    return `is not valid JSON: ${(err as Error).message}`;
  }
  if (!Array.isArray(parsed)) return 'must be a JSON array of blocks, e.g. [{"type":"section",…}]';
  if (parsed.length > 50) return 'at most 50 blocks';
  const bad = parsed.findIndex(
    (b) => !b || typeof b !== 'object' || typeof (b as { type?: unknown }).type !== 'string',
  );
  return bad === -1 ? undefined : `block ${bad} needs a "type"`;
}

export const SlackPostMessageConfigSchema = z
  .object({
    connectionId: connectionField(['slack'], ['chat:write']),
    channel: z
      .string()
      .min(1, 'choose a channel')
      .max(200)
      .meta({
        title: 'Channel',
        description: 'The channel to post in.',
        ...optionsMeta('slack.channels'),
      }),
    text: z.string().max(40_000).default('').meta({
      title: 'Text',
      description: 'The message (Slack mrkdwn); the notification text when blocks are set.',
    }),
    blocks: z
      .string()
      .max(100_000)
      .optional()
      .superRefine((value, ctx) => {
        const problem = value === undefined || value.trim() === '' ? undefined : blocksError(value);
        if (problem) ctx.addIssue({ code: 'custom', message: `blocks ${problem}` });
      })
      .meta({ title: 'Blocks (JSON)', description: 'Optional Block Kit blocks, as a JSON array.' }),
    threadTs: z
      .string()
      .regex(/^\d+\.\d+$/, 'must be a message timestamp like 1712345678.123456')
      .optional()
      .meta({
        title: 'Reply in thread (ts)',
        description: 'Post as a reply to the message with this ts.',
      }),
  })
  .refine((c) => c.text.trim() !== '' || (c.blocks ?? '').trim() !== '', {
    message: 'needs text or blocks',
    path: ['text'],
  });

export interface SlackPostMessageOutput {
  channel: string;
  ts: string;
  threadTs?: string;
  link: string;
}

interface SlackMessageLike {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export const slackPostMessageNode = defineNodeType({
  type: 'slack_post_message',
  version: 1,
  category: 'action',
  displayName: 'Slack: post message',
  description:
    'Posts a message (text and optional Block Kit blocks, in a thread or not) to a Slack channel. A retry never posts it twice.',
  config: SlackPostMessageConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      channel: { type: 'string', description: 'Channel id' },
      ts: { type: 'string', description: 'The message ts (its id)' },
      threadTs: { type: 'string' },
      link: { type: 'string', description: 'Permalink to the message' },
    },
    required: ['channel', 'ts', 'link'],
  },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const session = await openSession(ctx, config.connectionId, 'slack', ['chat:write']);
    const slack = slackClient(ctx, session);
    const payload = { execution_id: ctx.executionId, step_id: ctx.nodeId };
    let posted: { channel: string; ts: string } | undefined;
    if (earlierAttemptMayHaveActed(ctx))
      posted = await findPosted(ctx, session, slack, config.channel, config.threadTs, payload);
    if (posted)
      ctx.logger?.info(
        { attempt: ctx.attempt },
        'slack_post_message: found the message an earlier attempt posted',
      );
    if (!posted) {
      try {
        const blocks = config.blocks?.trim() ? (JSON.parse(config.blocks) as never[]) : undefined;
        const res = await slack.chat.postMessage({
          channel: config.channel,
          text: config.text,
          ...(blocks ? { blocks } : {}),
          ...(config.threadTs ? { thread_ts: config.threadTs } : {}),
          metadata: { event_type: SLACK_STEP_EVENT_TYPE, event_payload: payload },
        });
        posted = { channel: res.channel ?? config.channel, ts: res.ts ?? '' };
      } catch (err) {
        throw await slackFailure(ctx, session, err, 'posting the message');
      }
    }
    let link: string;
    try {
      const res = await slack.chat.getPermalink({ channel: posted.channel, message_ts: posted.ts });
      link = res.permalink ?? '';
    } catch (err) {
      // Posted already: a retry finds it through its metadata instead of posting again. The
      // code says the post went out (a rate limit here is not one that stopped the post).
      const failure = await slackFailure(
        ctx,
        session,
        err,
        'getting the link of the posted message',
      );
      if (failure instanceof RetryableStepError)
        throw new RetryableStepError(failure.message, {
          code: 'posted_link_failed',
          status: failure.status,
          retryAfterMs: failure.retryAfterMs,
        });
      throw failure;
    }
    const output: SlackPostMessageOutput = {
      channel: posted.channel,
      ts: posted.ts,
      ...(config.threadTs ? { threadTs: config.threadTs } : {}),
      link,
    };
    return { output };
  },
});

/** Looks for the message an earlier attempt of this step posted (its metadata names the execution and step). */
async function findPosted(
  ctx: StepContext<unknown>,
  session: ProviderSession,
  slack: WebClient,
  channel: string,
  threadTs: string | undefined,
  payload: { execution_id: string; step_id: string },
): Promise<{ channel: string; ts: string } | undefined> {
  const ours = (m: SlackMessageLike) =>
    m.metadata?.event_type === SLACK_STEP_EVENT_TYPE &&
    m.metadata.event_payload?.execution_id === payload.execution_id &&
    m.metadata.event_payload?.step_id === payload.step_id;
  // Retries of one step happen within hours; a day back is plenty.
  const oldest = String(Math.floor((ctx.now ?? Date.now)() / 1000) - 86_400);
  try {
    let cursor: string | undefined;
    for (let page = 0; page < 5; page += 1) {
      const res = threadTs
        ? await slack.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 200,
            cursor,
          })
        : await slack.conversations.history({
            channel,
            oldest,
            include_all_metadata: true,
            limit: 200,
            cursor,
          });
      const hit = (res.messages as SlackMessageLike[] | undefined)?.find(ours);
      if (hit?.ts) return { channel: (res as { channel?: string }).channel ?? channel, ts: hit.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  } catch (err) {
    const failure = await slackFailure(
      ctx,
      session,
      err,
      'checking the channel for an earlier attempt',
    );
    if (failure instanceof RetryableStepError) throw failure;
    if (
      ['invalid_auth', 'token_revoked', 'account_inactive', 'not_authed', 'token_expired'].includes(
        slackErrorName(err) ?? '',
      )
    )
      throw failure;
    throw outcomeUnknown('posted this message', failure.message);
  }
}

export const SlackListChannelsConfigSchema = z.object({
  connectionId: connectionField(['slack'], ['channels:read']),
  includePrivate: z.boolean().default(false).meta({
    title: 'Include private channels',
    description: 'Private channels the app was added to (needs groups:read).',
  }),
  excludeArchived: z.boolean().default(true).meta({ title: 'Leave out archived channels' }),
  limit: z.number().int().min(1).max(1000).default(200).meta({ title: 'Max channels' }),
});

export const slackListChannelsNode = defineNodeType({
  type: 'slack_list_channels',
  version: 1,
  category: 'action',
  displayName: 'Slack: list channels',
  description: 'Lists the channels of a Slack workspace (id, name, private, member).',
  config: SlackListChannelsConfigSchema,
  outputs: ['main'],
  outputSchema: {
    type: 'object',
    properties: {
      count: { type: 'integer' },
      channels: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            isPrivate: { type: 'boolean' },
            isMember: { type: 'boolean' },
            isArchived: { type: 'boolean' },
          },
        },
      },
    },
    required: ['count', 'channels'],
  },
  defaultRetry: INTEGRATION_RETRY,
  run: async (ctx) => {
    const { config } = ctx;
    const scopes = ['channels:read', ...(config.includePrivate ? ['groups:read'] : [])];
    const session = await openSession(ctx, config.connectionId, 'slack', scopes);
    const slack = slackClient(ctx, session);
    const channels: {
      id: string;
      name: string;
      isPrivate: boolean;
      isMember: boolean;
      isArchived: boolean;
    }[] = [];
    try {
      let cursor: string | undefined;
      do {
        const res = await slack.conversations.list({
          types: config.includePrivate ? 'public_channel,private_channel' : 'public_channel',
          exclude_archived: config.excludeArchived,
          limit: Math.min(200, config.limit),
          cursor,
        });
        for (const c of res.channels ?? []) {
          if (channels.length >= config.limit) break;
          channels.push({
            id: c.id ?? '',
            name: c.name ?? '',
            isPrivate: c.is_private === true,
            isMember: c.is_member === true,
            isArchived: c.is_archived === true,
          });
        }
        cursor = res.response_metadata?.next_cursor || undefined;
      } while (cursor && channels.length < config.limit);
    } catch (err) {
      throw await slackFailure(ctx, session, err, 'listing channels');
    }
    return { output: { count: channels.length, channels } };
  },
});
