import { consumersOf, routingTable, eventTypes, consumerNames } from '..';

describe('routing table', () => {
  it('sends workflow.triggered only to the execution service', () => {
    expect(consumersOf('workflow.triggered')).toEqual(['execution']);
  });

  it('sends activation changes to the trigger service', () => {
    for (const type of [
      'workflow.activated',
      'workflow.deactivated',
      'workflow.deleted',
    ] as const) {
      expect(consumersOf(type)).toContain('trigger');
    }
  });

  it('sends connection changes to the trigger service (integration triggers pause and resume)', () => {
    for (const type of ['connection.created', 'connection.revoked'] as const) {
      expect(consumersOf(type)).toContain('trigger');
    }
  });

  it('sends execution outcomes to no consumer: nothing on the hot path pays for them', () => {
    // The catalog asks the execution service for last runs; the events stay on the bus for
    // subscribers to come (and the archive).
    for (const type of [
      'execution.started',
      'execution.succeeded',
      'execution.failed',
      'execution.canceled',
    ] as const) {
      expect(consumersOf(type)).toEqual([]);
    }
    expect(routingTable['workflow-catalog']).toEqual([]);
  });

  it('routes only event types that exist in the catalog', () => {
    for (const consumer of consumerNames) {
      for (const type of routingTable[consumer]) expect(eventTypes).toContain(type);
    }
  });

  it('routes no event to a consumer twice', () => {
    for (const consumer of consumerNames) {
      const list = routingTable[consumer] as readonly string[];
      expect(new Set(list).size).toBe(list.length);
    }
  });
});
