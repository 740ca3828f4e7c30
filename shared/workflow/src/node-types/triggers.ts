import { SEALED_SECRET_PREFIX } from '@flowgenie/contracts';
import { z } from 'zod';
import { cronError, isValidTimeZone } from '../cron';
import {
  defineNodeType,
  enumLabels,
  secretField,
  timeZoneField,
  type StepContext,
  type StepResult,
} from '../node-type';

/** Trigger nodes pass the trigger payload through as their output. */
const passTrigger = async (ctx: StepContext<unknown>): Promise<StepResult> => ({
  output: ctx.input.trigger,
});

/**
 * Payload the trigger service puts in `workflow.triggered` for a webhook call; it is the
 * webhook node's output and `trigger` in expressions.
 */
export const WebhookPayloadSchema = z.object({
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  body: z.unknown(),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;

export const webhookNode = defineNodeType({
  type: 'webhook',
  version: 1,
  category: 'trigger',
  displayName: 'Webhook',
  description: 'Starts the workflow when an HTTP request arrives at the workflow’s webhook URL.',
  config: z.object({
    method: z
      .enum(['POST', 'GET', 'ANY'])
      .default('POST')
      .meta({
        title: 'HTTP method',
        description: 'Which request method starts the workflow.',
        ...enumLabels({ POST: 'POST', GET: 'GET', ANY: 'Any method' }),
      }),
    responseMode: z
      .enum(['immediately', 'respond_node'])
      .default('immediately')
      .meta({
        title: 'Respond',
        description:
          'At once: answer 202 with the execution id. From a "Respond to webhook" step: wait for that step and answer what it sets.',
        ...enumLabels({
          immediately: 'At once (202 with the execution id)',
          respond_node: 'From a "Respond to webhook" step',
        }),
      }),
    hmacSecret: z
      .string()
      // Stored sealed (encrypted); a clear value is 16-256 characters.
      .refine((v) => v.startsWith(SEALED_SECRET_PREFIX) || (v.length >= 16 && v.length <= 256), {
        message: 'must be 16 to 256 characters',
      })
      .optional()
      .meta({
        title: 'HMAC secret',
        description:
          'When set, a call is accepted only with a valid HMAC-SHA256 signature of its raw body made with this secret.',
        ...secretField,
      }),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional().meta({
      title: 'Rate limit (calls per minute)',
      description:
        'Calls accepted per minute on this webhook; more are answered 429 with Retry-After. Empty: the platform default.',
    }),
  }),
  outputs: ['main'],
  outputSchema: z.toJSONSchema(WebhookPayloadSchema) as Record<string, unknown>,
  run: passTrigger,
});

/** Payload of a schedule firing (the schedule node's output). */
export const SchedulePayloadSchema = z.object({
  /** The planned firing time (ISO 8601, UTC). */
  scheduledAt: z.string(),
  timezone: z.string(),
});
export type SchedulePayload = z.infer<typeof SchedulePayloadSchema>;

export const scheduleNode = defineNodeType({
  type: 'schedule',
  version: 1,
  category: 'trigger',
  displayName: 'Schedule',
  description: 'Starts the workflow on a cron schedule in a time zone.',
  config: z.object({
    cron: z
      .string()
      .superRefine((value, ctx) => {
        const problem = cronError(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({
        title: 'Cron',
        description:
          '5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. "0 9 * * 1-5".',
      }),
    timezone: z
      .string()
      .default('UTC')
      .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' })
      .meta({
        title: 'Time zone',
        description: 'IANA time zone the cron is read in.',
        ...timeZoneField,
      }),
  }),
  outputs: ['main'],
  outputSchema: z.toJSONSchema(SchedulePayloadSchema) as Record<string, unknown>,
  run: passTrigger,
});

export const manualNode = defineNodeType({
  type: 'manual',
  version: 1,
  category: 'trigger',
  displayName: 'Manual',
  description: 'Starts the workflow when someone clicks Run, with an optional sample payload.',
  config: z.object({
    samplePayload: z
      .unknown()
      .optional()
      .meta({ title: 'Sample payload', description: 'JSON given as `trigger` on a manual run.' }),
  }),
  outputs: ['main'],
  run: passTrigger,
});
