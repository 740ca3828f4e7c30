import type { Redis } from 'ioredis';
import {
  WebhookResponseMessageSchema,
  webhookResponseChannel,
  type WebhookResponseMessage,
} from '@flowgenie/contracts';
import { processWebhookAnswers } from '@flowgenie/messaging/local';
import type { WebhookResponder } from '../../ports/webhook-responder';

/**
 * Publishes on `<prefix>:webhook-response:<executionId>`, where the trigger service listens. An
 * answer whose caller waits in this process (the one-process mode) is handed to it directly.
 */
export class RedisWebhookResponder implements WebhookResponder {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish(messages: WebhookResponseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // One write for all of them (a pipeline keeps their order), made only when one goes to Redis
    // (a pipeline costs ~0.1 ms to build). A message that fails its schema does not hold back the
    // others (the final status still reaches a waiting caller).
    let pipeline: ReturnType<Redis['pipeline']> | undefined;
    // Executions whose caller waits here and took an answer: nobody elsewhere waits for them.
    const answeredHere = new Set<string>();
    let error: unknown;
    for (const message of messages) {
      const checked = WebhookResponseMessageSchema.safeParse(message);
      if (!checked.success) {
        error ??= checked.error;
        continue;
      }
      if (answeredHere.has(checked.data.executionId)) continue;
      if (processWebhookAnswers.deliver(this.prefix, checked.data)) {
        answeredHere.add(checked.data.executionId);
        continue;
      }
      pipeline ??= this.redis.pipeline();
      pipeline.publish(
        webhookResponseChannel(this.prefix, checked.data.executionId),
        JSON.stringify(checked.data),
      );
    }
    const results = pipeline ? ((await pipeline.exec()) ?? []) : [];
    error ??= results.find(([err]) => err)?.[0];
    if (error) throw error;
  }
}
