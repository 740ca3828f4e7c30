import type { Redis } from 'ioredis';
import {
  WebhookResponseMessageSchema,
  webhookResponseChannel,
  type WebhookResponseMessage,
} from '@flowgenie/contracts';
import type { WebhookResponder } from '../../ports/webhook-responder';

/** Publishes on `<prefix>:webhook-response:<executionId>`, where the trigger service listens. */
export class RedisWebhookResponder implements WebhookResponder {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish(messages: WebhookResponseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // One write for all of them (a pipeline keeps their order). A message that fails its schema
    // does not hold back the others (the final status still reaches a waiting caller).
    const pipeline = this.redis.pipeline();
    let error: unknown;
    for (const message of messages) {
      const checked = WebhookResponseMessageSchema.safeParse(message);
      if (!checked.success) {
        error ??= checked.error;
        continue;
      }
      pipeline.publish(
        webhookResponseChannel(this.prefix, checked.data.executionId),
        JSON.stringify(checked.data),
      );
    }
    const results = pipeline.length ? ((await pipeline.exec()) ?? []) : [];
    error ??= results.find(([err]) => err)?.[0];
    if (error) throw error;
  }
}
