import type { PlatformEvent } from '@flowgenie/contracts';
import { runWithCorrelation, type Logger } from '@flowgenie/platform';
import type { EventHandlers } from '../ports';
import { eventFromSqsBody } from './sqs-message';

/** The parts of the Lambda SQS event we read (no @types/aws-lambda needed). */
export interface SqsBatchEvent {
  Records: { messageId: string; body: string }[];
}
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * A Lambda handler for an SQS event source with ReportBatchItemFailures: each record is handled
 * on its own; the ids of the ones that failed are returned so only they are redelivered.
 *
 * @example
 * export const handler = createSqsBatchHandler(logger, { 'workflow.triggered': (e) => startExecution(e) });
 */
export function createSqsBatchHandler(logger: Logger, handlers: EventHandlers) {
  return async (event: SqsBatchEvent): Promise<SqsBatchResponse> => {
    const outcomes = await Promise.all(
      event.Records.map(async (record) => {
        try {
          const parsed = eventFromSqsBody(record.body);
          const handle = handlers[parsed.type] as ((e: PlatformEvent) => Promise<void>) | undefined;
          if (handle) await runWithCorrelation(parsed.correlationId, () => handle(parsed));
          return null;
        } catch (err) {
          logger.warn({ err, messageId: record.messageId }, 'record failed');
          return record.messageId;
        }
      }),
    );
    const failed = outcomes.filter((id): id is string => id !== null);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
