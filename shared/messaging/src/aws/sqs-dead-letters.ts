import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { ConsumerName, PlatformEvent } from '@flowgenie/contracts';
import type { DeadLetter, DeadLetterStore } from '../ports';
import { eventFromSqsBody } from './sqs-message';

/**
 * Dead letters in AWS: each consumer's SQS DLQ. Listing peeks (visibility 0, so messages stay visible); replay sends the body back to the consumer's queue, then deletes it here.
 */
export class SqsDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly opts: {
      client: SQSClient;
      queues: Partial<Record<ConsumerName, { queueUrl: string; dlqUrl: string }>>;
    },
  ) {}

  private urls(consumer: ConsumerName) {
    const q = this.opts.queues[consumer];
    if (!q) throw new Error(`no queue configured for consumer ${consumer}`);
    return q;
  }

  async list(consumer: ConsumerName, opts: { limit?: number } = {}): Promise<DeadLetter[]> {
    const out = await this.opts.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.urls(consumer).dlqUrl,
        MaxNumberOfMessages: Math.min(opts.limit ?? 10, 10),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    // A peek with visibility 0 may see one message more than once: list each once.
    const unique = [...new Map((out.Messages ?? []).map((m) => [m.MessageId, m])).values()];
    return unique.map((m) => {
      let event: PlatformEvent | undefined;
      let error = 'delivery attempts exhausted';
      try {
        event = eventFromSqsBody(m.Body);
      } catch (err) {
        error = (err as Error).message;
      }
      return {
        id: m.MessageId!,
        consumer,
        event: event ?? (JSON.parse(m.Body ?? 'null') as PlatformEvent),
        error,
        attempts: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
        failedAt: new Date(Number(m.Attributes?.SentTimestamp ?? Date.now())).toISOString(),
      };
    });
  }

  async replay(consumer: ConsumerName, id: string): Promise<boolean> {
    const { queueUrl, dlqUrl } = this.urls(consumer);
    // A message another reader holds is invisible for a moment: look a few times before giving up.
    for (let round = 0; round < 3; round++) {
      const out = await this.opts.client.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 30,
          WaitTimeSeconds: 1,
        }),
      );
      const messages = out.Messages ?? [];
      const message = messages.find((m) => m.MessageId === id);
      // Put back at once what we took but do not replay.
      await Promise.all(
        messages
          .filter((m) => m.MessageId !== id)
          .map((m) =>
            this.opts.client.send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: dlqUrl,
                ReceiptHandle: m.ReceiptHandle,
                VisibilityTimeout: 0,
              }),
            ),
          ),
      );
      if (message) {
        await this.opts.client.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.Body ?? '' }),
        );
        await this.opts.client.send(
          new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        return true;
      }
    }
    return false;
  }

  async close(): Promise<void> {}
}
