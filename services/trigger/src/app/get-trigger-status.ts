import type { TriggerStatusResponse } from '@flowgenie/contracts';
import { WorkflowNotFoundError } from '../domain/errors';
import { isIntegrationType } from '../domain/integration-trigger';
import type { TriggerRepository } from '../ports/trigger-repository';
import type { TriggerStateStore } from '../ports/trigger-state-store';
import { integrationSettings, pollIntervalMinutes } from './integration-settings';

/** The status of a workflow's trigger for its owner (another user's workflow: 404). */
export class GetTriggerStatus {
  constructor(private readonly deps: { triggers: TriggerRepository; states: TriggerStateStore }) {}

  async execute(input: { ownerId: string; workflowId: string }): Promise<TriggerStatusResponse> {
    const trigger = await this.deps.triggers.findByWorkflowId(input.workflowId);
    if (!trigger || trigger.ownerId !== input.ownerId) throw new WorkflowNotFoundError();
    const state =
      trigger.active && isIntegrationType(trigger.type)
        ? await this.deps.states.find(trigger.workflowId)
        : undefined;
    let minutes: number | null = null;
    try {
      if (isIntegrationType(trigger.type))
        minutes = pollIntervalMinutes(integrationSettings(trigger.type, trigger.config)) ?? null;
    } catch {
      minutes = null;
    }
    return {
      workflowId: trigger.workflowId,
      type: trigger.type,
      version: trigger.active ? trigger.version : null,
      status: !trigger.active ? 'inactive' : state?.status === 'paused' ? 'paused' : 'active',
      reason: trigger.active ? (state?.reason ?? null) : null,
      connectionId: state?.connectionId ?? null,
      pollIntervalMinutes: minutes,
      lastPolledAt: state?.lastPolledAt?.toISOString() ?? null,
      lastError: state?.lastError ?? null,
    };
  }
}
