import {
  WebhookResponseMessageSchema,
  webhookResponsePattern,
  type WebhookResponseMessage,
} from '@flowgenie/contracts';
import { processWebhookAnswers } from '@flowgenie/messaging/local';
import { createRedis, type Logger, type Redis, closeRedis } from '@flowgenie/platform';
import type {
  PendingWebhookResponse,
  WebhookResponseWaiter,
} from '../../ports/webhook-response-waiter';

interface Waiter {
  message?: WebhookResponseMessage;
  settle?: (message: WebhookResponseMessage | undefined) => void;
}

/**
 * Webhook answers over Redis pub/sub: one subscriber connection per process, pattern-subscribed
 * to `{prefix}:webhook-response:*`, and a map executionId -> waiter. A message for an execution
 * nobody here waits for (another instance's caller, or one that gave up) is ignored.
 *
 * @example
 * const waiter = new RedisWebhookResponseWaiter({ redisUrl, prefix, logger });
 * await waiter.start();
 * const pending = waiter.register(executionId); // before the firing commits
 */
export class RedisWebhookResponseWaiter implements WebhookResponseWaiter {
  private readonly waiters = new Map<string, Waiter>();
  private subscriber?: Redis;
  private stopped = false;
  private readonly channelPrefix: string;
  private unlisten?: () => void;

  constructor(private readonly opts: { redisUrl: string; prefix: string; logger: Logger }) {
    this.channelPrefix = webhookResponsePattern(opts.prefix).slice(0, -1);
  }

  async start(): Promise<void> {
    // Answers from an executor of this process come directly (not through Redis).
    this.unlisten = processWebhookAnswers.listen(this.opts.prefix, (message) =>
      this.answer(message.executionId, message),
    );
    const sub = createRedis(this.opts.redisUrl, { logger: this.opts.logger });
    sub.on('pmessage', (_pattern: string, channel: string, raw: string) =>
      this.onMessage(channel, raw),
    );
    await sub.psubscribe(webhookResponsePattern(this.opts.prefix));
    this.subscriber = sub;
  }

  /** How many callers are waiting right now (tests, metrics). */
  get waiting(): number {
    return this.waiters.size;
  }

  register(executionId: string): PendingWebhookResponse {
    const entry: Waiter = {};
    // After stop() nobody will answer: such a wait resolves at once (the caller gets its 202).
    if (!this.stopped) this.waiters.set(executionId, entry);
    const forget = () => {
      if (this.waiters.get(executionId) === entry) this.waiters.delete(executionId);
    };
    return {
      wait: (timeoutMs, signal) =>
        new Promise<WebhookResponseMessage | undefined>((resolve) => {
          if (entry.message || !this.waiters.has(executionId)) {
            forget();
            resolve(entry.message);
            return;
          }
          let timer: NodeJS.Timeout | undefined = undefined;
          const onAbort = () => entry.settle?.(undefined);
          entry.settle = (message) => {
            entry.settle = undefined;
            if (timer) clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            forget();
            resolve(message);
          };
          timer = setTimeout(() => entry.settle?.(undefined), timeoutMs);
          if (signal?.aborted) onAbort();
          else signal?.addEventListener('abort', onAbort, { once: true });
        }),
      cancel: () => {
        entry.settle?.(undefined);
        forget();
      },
    };
  }

  private onMessage(channel: string, raw: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const executionId = channel.slice(this.channelPrefix.length);
    if (!this.waiters.has(executionId)) return; // nobody here waits for it
    let message: WebhookResponseMessage;
    try {
      const parsed = WebhookResponseMessageSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid');
      message = parsed.data;
    } catch (err) {
      this.opts.logger.warn(
        { executionId, err: (err as Error).message },
        'ignoring malformed webhook response message',
      );
      return;
    }
    this.answer(executionId, message);
  }

  /** Gives the caller waiting here its answer (the first one wins); false if none waits here. */
  private answer(executionId: string, message: WebhookResponseMessage): boolean {
    const entry = this.waiters.get(executionId);
    if (!entry) return false;
    if (entry.message) return true;
    entry.message = message;
    entry.settle?.(message);
    return true;
  }

  /** Releases every waiting caller (they get the 202 answer) and closes the subscriber. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    for (const entry of [...this.waiters.values()]) entry.settle?.(undefined);
    this.waiters.clear();
    const sub = this.subscriber;
    this.subscriber = undefined;
    if (sub) await closeRedis(sub);
  }
}
