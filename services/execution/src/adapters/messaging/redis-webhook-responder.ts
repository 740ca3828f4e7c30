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

  async publish(message: WebhookResponseMessage): Promise<void> {
    const checked = WebhookResponseMessageSchema.parse(message);
    await this.redis.publish(
      webhookResponseChannel(this.prefix, checked.executionId),
      JSON.stringify(checked),
    );
  }
}
