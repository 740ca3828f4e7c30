import { z } from 'zod';

/**
 * How a webhook caller waiting for a `respond_to_webhook` step gets its answer: the executor
 * publishes on this Redis channel, the trigger service (subscribed before it emitted
 * workflow.triggered) answers the HTTP request. A `final` message is sent when the execution ends,
 * so a workflow that never responds does not leave the caller hanging.
 */
export const webhookResponseChannel = (redisPrefix: string, executionId: string) =>
  `${redisPrefix}:webhook-response:${executionId}`;
export const webhookResponsePattern = (redisPrefix: string) => `${redisPrefix}:webhook-response:*`;

export const WebhookResponseMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('respond'),
    executionId: z.string(),
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.unknown(),
  }),
  z.object({
    kind: z.literal('final'),
    executionId: z.string(),
    status: z.enum(['succeeded', 'failed', 'canceled']),
    error: z.string().optional(),
    /** Output of the last step run, returned when no respond step ran. */
    output: z.unknown().optional(),
  }),
]);
export type WebhookResponseMessage = z.infer<typeof WebhookResponseMessageSchema>;

/** Stripe-style signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-flowgenie-signature';
export const WEBHOOK_REPLAY_WINDOW_SECONDS = 300;
