import type { Logger } from '@flowgenie/platform';
import { TriggerMisconfiguredError } from '../domain/errors';
import { cursorKeyOf, isIntegrationType, isPollingType } from '../domain/integration-trigger';
import type { Trigger } from '../domain/trigger';
import type { PollRegistry } from '../ports/poll-registry';
import type { TriggerEventInbox, TriggerRepository } from '../ports/trigger-repository';
import type { TriggerStateStore } from '../ports/trigger-state-store';
import { integrationSettings, pollIntervalMinutes } from './integration-settings';

export const REVOKED_REASON = 'the connection was revoked: reconnect it';

/**
 * Keeps integration triggers' state and polls in line with the trigger row (called inside the
 * lifecycle event's transaction, with the row locked) and with the connections they use
 * (connection.revoked pauses them, connection.created, e.g. a reconnect, resumes them).
 */
export class IntegrationTriggerSync {
  constructor(
    private readonly deps: {
      inbox: TriggerEventInbox;
      polls: PollRegistry;
      logger: Logger;
      now: () => Date;
    },
  ) {}

  async sync(
    workflowId: string,
    current: Trigger | undefined,
    states: TriggerStateStore,
  ): Promise<void> {
    const now = this.deps.now();
    if (!current?.active || !isIntegrationType(current.type)) {
      // Deactivated or deleted: the cursor goes too, so a later activation starts from "now".
      // Without a state there was never a poll (on AWS each removal is a Scheduler call).
      if (await states.remove(workflowId)) await this.deps.polls.remove(workflowId);
      return;
    }
    const connectionId =
      typeof current.config.connectionId === 'string' ? current.config.connectionId : null;
    await states.ensureActive({
      workflowId,
      type: current.type,
      connectionId: connectionId && /^[0-9a-f-]{36}$/i.test(connectionId) ? connectionId : null,
      cursorKey: cursorKeyOf(current.type, current.config),
      now,
    });
    let minutes: number | undefined;
    try {
      minutes = pollIntervalMinutes(integrationSettings(current.type, current.config));
    } catch (err) {
      if (!(err instanceof TriggerMisconfiguredError)) throw err;
      // Retrying cannot fix a config: the trigger shows why it does not run.
      await states.pause(workflowId, err.message, now);
      await this.deps.polls.remove(workflowId);
      this.deps.logger.error({ workflowId, err: err.message }, 'integration trigger not started');
      return;
    }
    if (minutes) await this.deps.polls.upsert(workflowId, minutes * 60_000);
    else await this.deps.polls.remove(workflowId);
    this.deps.logger.info(
      { workflowId, type: current.type, pollEveryMinutes: minutes },
      'integration trigger active',
    );
  }

  /**
   * After an activation committed: the first poll (the baseline) runs now, whatever the interval's
   * first run (which may have come before the commit) found.
   */
  async activated(workflowId: string, triggerType: string | undefined): Promise<void> {
    if (triggerType && isPollingType(triggerType)) await this.deps.polls.pollNow(workflowId);
  }

  /** connection.revoked: every trigger using it pauses with the reason and stops polling. */
  async connectionRevoked(eventId: string, connectionId: string): Promise<void> {
    await this.deps.inbox.once(eventId, async (_repo, states) => {
      if (!states) return;
      const paused = await states.pauseByConnection(connectionId, REVOKED_REASON, this.deps.now());
      for (const workflowId of paused) await this.deps.polls.remove(workflowId);
      if (paused.length)
        this.deps.logger.warn(
          { connectionId, workflows: paused.length },
          'triggers paused: connection revoked',
        );
    });
  }

  /** connection.created (a reconnect keeps the id): paused triggers using it run again. */
  async connectionCreated(eventId: string, connectionId: string): Promise<void> {
    const polling: string[] = [];
    await this.deps.inbox.once(eventId, async (repo, states) => {
      if (!states) return;
      const resumed = await states.resumeByConnection(connectionId, this.deps.now());
      for (const workflowId of resumed)
        if (await this.resumePolling(repo, workflowId)) polling.push(workflowId);
      if (resumed.length)
        this.deps.logger.info(
          { connectionId, workflows: resumed.length },
          'triggers resumed: connection back',
        );
    });
    // Committed: poll at once rather than at the next interval.
    for (const workflowId of polling) await this.deps.polls.pollNow(workflowId);
  }

  /** Registers the poll again; resolves whether the trigger polls. */
  private async resumePolling(repo: TriggerRepository, workflowId: string): Promise<boolean> {
    const trigger = await repo.lockByWorkflowId(workflowId);
    if (!trigger?.active) return false;
    try {
      const minutes = pollIntervalMinutes(integrationSettings(trigger.type, trigger.config));
      if (minutes) await this.deps.polls.upsert(workflowId, minutes * 60_000);
      return minutes !== undefined;
    } catch (err) {
      if (!(err instanceof TriggerMisconfiguredError)) throw err;
      return false;
    }
  }
}
