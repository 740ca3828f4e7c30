import type { EventType } from './catalog';

/**
 * The routing table: which consumer's queue receives which event types. The local bus fans out
 * by it and the CDK app creates one EventBridge rule per consumer from it, so they cannot disagree.
 */
export const routingTable = {
  trigger: [
    'workflow.activated',
    'workflow.deactivated',
    'workflow.deleted',
    'connection.created',
    'connection.revoked',
  ],
  execution: ['workflow.triggered', 'workflow.deleted'],
  // The catalog reads last runs from the execution service (per list page), not from events.
  'workflow-catalog': [],
  auth: [],
} as const satisfies Record<string, readonly EventType[]>;

export type ConsumerName = keyof typeof routingTable;
export const consumerNames = Object.keys(routingTable) as ConsumerName[];

/** The consumers whose queues receive an event of this type. */
export function consumersOf(type: EventType): ConsumerName[] {
  return consumerNames.filter((c) => (routingTable[c] as readonly string[]).includes(type));
}
