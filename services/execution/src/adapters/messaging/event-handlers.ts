import type { EventHandlers } from '@flowgenie/messaging';
import type { CancelExecution } from '../../app/cancel-execution';
import type { StartExecution } from '../../app/start-execution';

/** The 'execution' consumer: workflow.triggered starts an execution, workflow.deleted cancels its runs. */
export function executionEventHandlers(useCases: {
  start: StartExecution;
  cancel: CancelExecution;
}): EventHandlers {
  return {
    'workflow.triggered': (event) =>
      useCases.start.execute(event.id, event.correlationId, event.data),
    'workflow.deleted': (event) =>
      useCases.cancel.workflowDeleted(event.id, event.data.workflowId, event.data.ownerId),
  };
}
