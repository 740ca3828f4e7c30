import type { EventHandlers } from '@flowgenie/messaging';
import type { WorkflowLifecycle } from '../../app/workflow-lifecycle';

/** The consumer 'trigger' handlers: catalog lifecycle events -> trigger rows and schedules. */
export function workflowEventHandlers(lifecycle: WorkflowLifecycle): EventHandlers {
  return {
    'workflow.activated': (event) =>
      lifecycle.activated(event.id, new Date(event.time), event.data),
    'workflow.deactivated': (event) =>
      lifecycle.deactivated(event.id, new Date(event.time), event.data.workflowId),
    'workflow.deleted': (event) =>
      lifecycle.deactivated(event.id, new Date(event.time), event.data.workflowId),
  };
}
