import type { PlatformEvent } from '@flowgenie/contracts';
import type { EventHandlers } from '@flowgenie/messaging';
import type { Logger } from '@flowgenie/platform';
import type { ExecutionNews } from '../../app/record-execution';

/**
 * Handlers for the execution.* events routed to this service: each keeps the workflow's last
 * execution up to date. A throw makes the bus redeliver; the inbox makes redelivery harmless.
 */
export function executionEventHandlers(
  record: (news: ExecutionNews) => Promise<boolean>,
  logger: Logger,
): EventHandlers {
  const handle = async (
    event: PlatformEvent,
    status: ExecutionNews['execution']['status'],
    at: string,
  ) => {
    const { executionId, workflowId, ownerId } = event.data as {
      executionId: string;
      workflowId: string;
      ownerId: string;
    };
    const changed = await record({
      eventId: event.id,
      workflowId,
      ownerId,
      execution: { id: executionId, status, at: new Date(at) },
    });
    logger.debug(
      { eventId: event.id, type: event.type, workflowId, executionId, changed },
      'execution event handled',
    );
  };
  return {
    'execution.started': (e) => handle(e, 'running', e.data.startedAt),
    'execution.succeeded': (e) => handle(e, 'succeeded', e.data.finishedAt),
    'execution.failed': (e) => handle(e, 'failed', e.data.finishedAt),
    'execution.canceled': (e) => handle(e, 'canceled', e.data.finishedAt),
  };
}
