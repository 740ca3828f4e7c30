import { defineNodeType, enumLabels } from '@flowgenie/workflow';
import { z } from 'zod';
import { connectionField, optionsMeta, passTrigger } from './fields';

export const SLACK_TRIGGER_EVENT_TYPES = [
  'message',
  'app_mention',
  'reaction_added',
  'member_joined_channel',
  'channel_created',
] as const;

/** One Slack Events API event (the slack_event node's output). */
export const SlackEventPayloadSchema = z.object({
  eventId: z.string(),
  teamId: z.string(),
  type: z.string(),
  channel: z.string().nullable(),
  user: z.string().nullable(),
  text: z.string().nullable(),
  ts: z.string().nullable(),
  threadTs: z.string().nullable(),
  /** Seconds since the epoch when Slack saw the event. */
  eventTime: z.number(),
  /** The event object exactly as Slack sent it. */
  event: z.record(z.string(), z.unknown()),
});
export type SlackEventPayload = z.infer<typeof SlackEventPayloadSchema>;

export const SlackEventConfigSchema = z.object({
  connectionId: connectionField(['slack'], undefined, {
    title: 'Slack workspace',
    description: 'Only events from this connected workspace start the workflow.',
  }),
  eventTypes: z
    .array(
      z.enum(SLACK_TRIGGER_EVENT_TYPES).meta(
        enumLabels({
          message: 'A message is posted',
          app_mention: 'The app is mentioned',
          reaction_added: 'A reaction is added',
          member_joined_channel: 'Someone joins a channel',
          channel_created: 'A channel is created',
        }),
      ),
    )
    .min(1)
    .default(['message'])
    .meta({ title: 'Events', description: 'Which Slack event types start the workflow.' }),
  channelId: z
    .string()
    .trim()
    .max(100)
    .optional()
    .meta({
      title: 'Channel',
      description: 'Only events in this channel (empty: any channel the app sees).',
      ...optionsMeta('slack.channels'),
    }),
  includeBotMessages: z.boolean().default(false).meta({
    title: 'Include bot messages',
    description:
      'Also start on messages posted by bots and apps (off by default, so a workflow that posts to Slack does not start itself).',
  }),
});
export type SlackEventConfig = z.output<typeof SlackEventConfigSchema>;

export const slackEventNode = defineNodeType({
  type: 'slack_event',
  version: 1,
  category: 'trigger',
  displayName: 'Slack: event',
  description:
    'Starts the workflow for each Slack event (message, mention, reaction…) in the connected workspace, through the Events API.',
  config: SlackEventConfigSchema,
  outputs: ['main'],
  outputSchema: z.toJSONSchema(SlackEventPayloadSchema) as Record<string, unknown>,
  run: passTrigger,
});
