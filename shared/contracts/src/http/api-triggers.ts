import { z } from 'zod';

/**
 * Whether an activated workflow's trigger is running, as the trigger service sees it. Polling
 * triggers (Gmail, Calendar) and Slack triggers pause when their connection is revoked, expired
 * or lacks a permission; `reason` says why (reconnect to resume).
 */
export const TriggerStatusResponseSchema = z.object({
  workflowId: z.uuid(),
  /** The trigger node's type (webhook, schedule, gmail_new_message, …). */
  type: z.string(),
  /** The active version, or null when the workflow is not active. */
  version: z.number().int().positive().nullable(),
  /** `inactive`: not activated; `paused`: activated but not running (see `reason`). */
  status: z.enum(['active', 'paused', 'inactive']),
  reason: z.string().nullable(),
  connectionId: z.uuid().nullable(),
  /** Polling triggers: minutes between polls; null otherwise. */
  pollIntervalMinutes: z.number().int().positive().nullable(),
  lastPolledAt: z.iso.datetime().nullable(),
  /** The last poll's transient failure (retried at the next interval), if it failed. */
  lastError: z.string().nullable(),
});
export type TriggerStatusResponse = z.infer<typeof TriggerStatusResponseSchema>;

/** What `POST /hooks/slack/events` answers: the url_verification challenge, or an ack. */
export const SlackEventsAnswerSchema = z.union([
  z.object({ challenge: z.string() }),
  z.object({ ok: z.literal(true) }),
]);

/** `POST /api/workflows/{id}/test-webhook`: listen for one test call of the draft's webhook. */
export const StartTestWebhookRequestSchema = z
  .object({
    run: z
      .boolean()
      .default(false)
      .describe('Also run the draft with the captured request as its trigger payload.'),
  })
  .strict();

/** A test-webhook listener: its URL, until when it waits, and the request it captured. */
export const TestWebhookListenerSchema = z.object({
  listenerId: z.uuid(),
  workflowId: z.uuid(),
  /** Call this URL (any method) once; the production `/hooks/{hookId}` is not involved. */
  testUrl: z.string(),
  status: z.enum(['waiting', 'captured', 'expired']),
  expiresAt: z.iso.datetime(),
  /** The captured request as the workflow sees it (`{method, headers, query, body}`, no credentials). */
  sample: z.unknown().optional(),
  capturedAt: z.iso.datetime().optional(),
  /** The draft test run started with the sample (`run: true`). */
  executionId: z.uuid().optional(),
  /** Why the test run could not start, when it could not. */
  runError: z.string().optional(),
});
export type TestWebhookListener = z.infer<typeof TestWebhookListenerSchema>;

/** What a call to the test URL answers. */
export const TestWebhookCapturedResponseSchema = z.object({
  captured: z.literal(true),
  message: z.string(),
  executionId: z.uuid().optional(),
});
