import { WorkflowGraphSchema, type EventData, type WorkflowGraph } from '@flowgenie/contracts';
import type { Logger } from '@flowgenie/platform';
import { UnsupportedScheduleError } from '../domain/errors';
import type { Trigger } from '../domain/trigger';
import type { PayloadReader } from '../ports/payload-claims';
import type { TriggerEventInbox, TriggerRepository } from '../ports/trigger-repository';
import type { ScheduleRegistry } from '../ports/schedule-registry';
import type { TriggerStateStore } from '../ports/trigger-state-store';
import type { IntegrationTriggerSync } from './integration-lifecycle';
import { scheduleFiringBasis, scheduleSettings, triggerOf } from './trigger-settings';

/**
 * Keeps triggers in step with the catalog's workflow.activated / deactivated / deleted events.
 * Each event is applied once (inbox) with the trigger row locked, and the schedule backend is
 * brought in line with the row's resulting state inside that transaction: if the backend call
 * fails the event is retried, and concurrent events of one workflow cannot leave the backend
 * disagreeing with the row.
 */
export class WorkflowLifecycle {
  constructor(
    private readonly deps: {
      inbox: TriggerEventInbox;
      schedules: ScheduleRegistry;
      logger: Logger;
      /** Gmail, Calendar and Slack triggers' state and polls (optional in unit tests). */
      integrations?: IntegrationTriggerSync;
      /** Where a graph the catalog passed by reference (graphRef) is read. @default inline graphs only */
      payloads?: PayloadReader;
    },
  ) {}

  async activated(eventId: string, at: Date, data: EventData<'workflow.activated'>): Promise<void> {
    // Read before the transaction: the row keeps the graph itself, the reference expires.
    const graph = await this.graphOf(data);
    const node = triggerOf(graph);
    if (!node)
      this.deps.logger.warn(
        { workflowId: data.workflowId, version: data.version },
        'activated workflow has no trigger node',
      );
    const trigger: Trigger = {
      workflowId: data.workflowId,
      ownerId: data.ownerId,
      version: data.version,
      hookId: data.hookId,
      type: node?.type ?? 'none',
      config: node?.config ?? {},
      graph,
      name: data.name,
      active: true,
      updatedAt: at,
      scheduleFiring: scheduleFiringBasis(graph),
    };
    const applied = await this.deps.inbox.once(eventId, async (repo, states) => {
      await repo.saveIfNewer(trigger);
      await this.syncSchedule(repo, data.workflowId, states);
    });
    if (applied) await this.deps.integrations?.activated(data.workflowId, node?.type);
  }

  private async graphOf(data: EventData<'workflow.activated'>): Promise<WorkflowGraph> {
    if (data.graph) return data.graph;
    if (!data.graphRef || !this.deps.payloads)
      throw new Error('a graph passed by reference needs the payload store');
    // The event was checked when it was parsed; the stored graph is checked here.
    return WorkflowGraphSchema.parse(
      await this.deps.payloads.resolve({ payloadRef: data.graphRef }),
    );
  }

  /** workflow.deactivated and workflow.deleted: the hook answers 404 and the schedule stops. */
  async deactivated(eventId: string, at: Date, workflowId: string): Promise<void> {
    await this.deps.inbox.once(eventId, async (repo, states) => {
      await repo.deactivateIfNewer(workflowId, at);
      await this.syncSchedule(repo, workflowId, states);
    });
  }

  private async syncSchedule(
    repo: TriggerRepository,
    workflowId: string,
    states?: TriggerStateStore,
  ): Promise<void> {
    const current = await repo.lockByWorkflowId(workflowId);
    if (this.deps.integrations && states)
      await this.deps.integrations.sync(workflowId, current, states);
    if (current?.active && current.type === 'schedule') {
      let settings;
      try {
        settings = scheduleSettings(current.config);
      } catch (err) {
        // Retrying cannot fix a config; the workflow simply has no working schedule.
        this.deps.logger.error(
          { workflowId, err: (err as Error).message },
          'schedule not registered',
        );
        await this.deps.schedules.remove(workflowId);
        return;
      }
      try {
        await this.deps.schedules.upsert(workflowId, settings.cron, settings.timezone);
      } catch (err) {
        if (!(err instanceof UnsupportedScheduleError)) throw err;
        // The backend cannot express it (EventBridge Scheduler: seconds, day and weekday together).
        this.deps.logger.error({ workflowId, err: err.message }, 'schedule not registered');
        await this.deps.schedules.remove(workflowId);
        return;
      }
      this.deps.logger.info(
        { workflowId, version: current.version, cron: settings.cron, timezone: settings.timezone },
        'schedule registered',
      );
      return;
    }
    await this.deps.schedules.remove(workflowId);
  }
}
