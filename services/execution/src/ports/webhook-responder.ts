import type { WebhookResponseMessage } from '@flowgenie/contracts';

/**
 * Tells a webhook caller that waits on an execution how it went (Redis pub/sub locally): the
 * respond step's answer, then a final message when the execution ends.
 */
export interface WebhookResponder {
  /** Publishes the messages in order (a respond step's answer and the end often go together). */
  publish(messages: WebhookResponseMessage[]): Promise<void>;
}
