import type { StepConnections } from '@flowgenie/workflow';

export type { ConnectionAccess } from '@flowgenie/integrations';
export type { ConnectionRateGate } from '@flowgenie/integrations/actions';

/** The connections a step of `ownerId`'s workflow may use (bound to that owner). */
export type StepConnectionsFor = (ownerId: string) => StepConnections;
