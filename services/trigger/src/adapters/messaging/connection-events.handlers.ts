import type { EventHandlers } from '@flowgenie/messaging';
import type { IntegrationTriggerSync } from '../../app/integration-lifecycle';

/** The consumer 'trigger' handlers of auth's connection events: pause or resume integration triggers. */
export function connectionEventHandlers(sync: IntegrationTriggerSync): EventHandlers {
  return {
    'connection.revoked': (event) => sync.connectionRevoked(event.id, event.data.connectionId),
    'connection.created': (event) => sync.connectionCreated(event.id, event.data.connectionId),
  };
}
