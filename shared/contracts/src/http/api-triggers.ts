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
