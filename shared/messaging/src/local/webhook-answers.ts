import type { WebhookResponseMessage } from '@flowgenie/contracts';

/** Takes an answer for a caller waiting in this process; false when none waits here for it. */
export type WebhookAnswerSink = (message: WebhookResponseMessage) => boolean;

/** The answer sinks of this process, by Redis prefix (tests run several deployments at once). */
const sinks = new Map<string, Set<WebhookAnswerSink>>();

/**
 * Webhook answers for callers waiting in this process (the one-process mode, where the trigger
 * and the executor share it): the executor hands them over directly instead of through Redis
 * pub/sub, which still carries every answer whose caller waits in another process.
 *
 * @example
 * const unlisten = processWebhookAnswers.listen(prefix, (m) => waiter.settle(m));
 * processWebhookAnswers.deliver(prefix, message); // true: a caller here took it
 */
export const processWebhookAnswers = {
  /** Offers this process's answers to `sink` until the returned function is called. */
  listen(prefix: string, sink: WebhookAnswerSink): () => void {
    let set = sinks.get(prefix);
    if (!set) sinks.set(prefix, (set = new Set()));
    set.add(sink);
    return () => {
      set.delete(sink);
      if (set.size === 0 && sinks.get(prefix) === set) sinks.delete(prefix);
    };
  },

  /** Hands `message` to the caller waiting for it here, if one does. */
  deliver(prefix: string, message: WebhookResponseMessage): boolean {
    for (const sink of sinks.get(prefix) ?? []) if (sink(message)) return true;
    return false;
  },
};
