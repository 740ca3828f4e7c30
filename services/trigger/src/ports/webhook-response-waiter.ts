import type { WebhookResponseMessage } from '@flowgenie/contracts';

/** A registered wait for one execution's webhook answer. */
export interface PendingWebhookResponse {
  /**
   * Resolves with the first `respond` message, or the `final` one when the execution ended
   * without responding; undefined after `timeoutMs`, on `signal` abort or on shutdown.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<WebhookResponseMessage | undefined>;
  /** Forgets the wait (the firing turned out to be a duplicate, or the write failed). */
  cancel(): void;
}

/**
 * Receives the executor's answers to waiting webhook callers. `register` must be called before
 * the firing commits, so an answer published right after cannot be missed.
 *
 * @example
 * const pending = waiter.register(executionId);
 * await firings.recordForTrigger(...);
 * const answer = await pending.wait(30_000);
 */
export interface WebhookResponseWaiter {
  register(executionId: string): PendingWebhookResponse;
}
