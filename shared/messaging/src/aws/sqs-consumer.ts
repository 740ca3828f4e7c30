import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { ConsumerName, PlatformEvent } from '@flowgenie/contracts';
import { runWithCorrelation, type Logger } from '@flowgenie/platform';
import type { EventConsumer, EventHandlers } from '../ports';
import { eventFromSqsBody } from './sqs-message';
import { InvalidEventError } from '../envelope';

export interface SqsConsumerOptions {
  client: SQSClient;
  queueUrl: string;
  logger: Logger;
  /** Seconds of the long poll (20 max). */
  waitTimeSeconds?: number;
  /** Where a message that fails its schema is sent at once (the consumer's DLQ). */
  deadLetterQueueUrl?: string;
}

/**
 * Long-polls one consumer's SQS queue (ECS). A handled message is deleted; a failed one comes back
 * after the queue's visibility timeout, and after the queue's maxReceiveCount the redrive policy moves
 * it to the DLQ. A message that fails its schema is moved to the DLQ at once.
 */
export class SqsEventConsumer implements EventConsumer {
  private running = false;
  private loop?: Promise<void>;
  private abort = new AbortController();

  constructor(
    readonly consumer: ConsumerName,
    private readonly opts: SqsConsumerOptions,
  ) {}

  async start(handlers: EventHandlers): Promise<void> {
    this.running = true;
    this.loop = this.poll(handlers);
  }

  private async poll(handlers: EventHandlers): Promise<void> {
    const { client, queueUrl, logger } = this.opts;
    while (this.running) {
      let messages: Message[] = [];
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.opts.waitTimeSeconds ?? 20,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (!this.running) return;
        logger.warn({ err }, 'sqs receive failed');
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      await Promise.all(messages.map((m) => this.handleMessage(m, handlers)));
    }
  }

  private async handleMessage(message: Message, handlers: EventHandlers): Promise<void> {
    const { client, queueUrl, logger } = this.opts;
    let event: PlatformEvent;
    try {
      event = eventFromSqsBody(message.Body);
    } catch (err) {
      logger.error(
        { err: (err as Error).message, messageId: message.MessageId },
        'invalid event: dead-lettering',
      );
      if (this.opts.deadLetterQueueUrl) {
        await client.send(
          new SendMessageCommand({
            QueueUrl: this.opts.deadLetterQueueUrl,
            MessageBody: message.Body ?? '',
          }),
        );
        await client.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
      if (!(err instanceof InvalidEventError)) throw err;
      return;
    }
    const handle = handlers[event.type] as ((e: PlatformEvent) => Promise<void>) | undefined;
    try {
      if (handle) await runWithCorrelation(event.correlationId, () => handle(event));
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    } catch (err) {
      // Not deleted: SQS redelivers it after the queue's visibility timeout, and after
      // maxReceiveCount receives its redrive policy moves it to the DLQ.
      logger.warn(
        { err, eventId: event.id, type: event.type },
        'event handler failed; SQS will redeliver',
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await this.loop?.catch(() => undefined);
  }
}
