import type { WebhookResponseMessage } from '@flowgenie/contracts';

/**
 * Tells a webhook caller that waits on an execution how it went (Redis pub/sub locally): the
 * respond step's answer, then a final message when the execution ends.
 */
export interface WebhookResponder {
  publish(message: WebhookResponseMessage): Promise<void>;
}
