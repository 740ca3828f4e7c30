import { ConnectionAccessError, type ConnectionAccess } from '@flowgenie/integrations';
import { GMAIL_READ_SCOPE, CALENDAR_READ_SCOPE } from '@flowgenie/integrations/triggers';
import type { Logger } from '@flowgenie/platform';
import { TriggerMisconfiguredError } from '../domain/errors';
import { CALENDAR_TRIGGER, GMAIL_TRIGGER, isPollingType } from '../domain/integration-trigger';
import type { PollRegistry } from '../ports/poll-registry';
import { ProviderRequestError, type PollSource } from '../ports/provider-sources';
import type { TriggerRepository } from '../ports/trigger-repository';
import type { TriggerStateStore } from '../ports/trigger-state-store';
import { fireItem, type FireItemDeps } from './fire-item';
import {
  integrationSettings,
  type CalendarEventConfig,
  type GmailNewMessageConfig,
} from './integration-settings';

export type PollOutcome =
  | { kind: 'skipped' }
  | { kind: 'paused'; reason: string }
  | { kind: 'failed'; error: string }
  | { kind: 'polled'; fired: number; duplicates: number; cursorSaved: boolean };

/** A connection error's reason, as the trigger status shows it. */
export function pauseReasonOf(err: ConnectionAccessError | ProviderRequestError): string {
  if (err instanceof ConnectionAccessError) {
    switch (err.code) {
      case 'connection_revoked':
        return 'the connection was revoked: reconnect it';
      case 'connection_expired':
        return 'the connection expired: reconnect it';
      case 'connection_not_found':
        return 'the connection no longer exists: choose another one';
      case 'connection_missing_scope':
        return `the connection lacks a permission this trigger needs: reconnect it (${err.message})`;
      default:
        return err.message;
    }
  }
  return err.kind === 'unauthorized'
    ? 'the provider refused the connection’s token: reconnect it'
    : `the provider refused access: ${err.message}`;
}

/**
 * One poll of a Gmail or Calendar trigger: a token from auth, the provider's changes since the
 * stored cursor, one firing per new item (keyed by trigger + item), then the cursor. Firing
 * before saving makes a crash in between harmless (the next poll finds the same items and the
 * keys dedupe); a poll that raced another saves its cursor only if the other did not (compare on
 * `generation`). A connection that is revoked, expired or lacks a scope pauses the trigger with
 * the reason (no more polls until reconnected or re-activated); anything transient is recorded
 * and retried at the next interval.
 */
export class PollTrigger {
  constructor(
    private readonly deps: FireItemDeps & {
      triggers: TriggerRepository;
      states: TriggerStateStore;
      polls: PollRegistry;
      connections: ConnectionAccess;
      gmail: PollSource<GmailNewMessageConfig>;
      calendar: PollSource<CalendarEventConfig>;
      logger: Logger;
    },
  ) {}

  async execute(workflowId: string): Promise<PollOutcome> {
    const { triggers, states, logger } = this.deps;
    const [trigger, state] = await Promise.all([
      triggers.findByWorkflowId(workflowId),
      states.find(workflowId),
    ]);
    if (!trigger?.active || !isPollingType(trigger.type) || !state) return { kind: 'skipped' };
    if (state.status === 'paused') return { kind: 'paused', reason: state.reason ?? 'paused' };
    const now = this.deps.now();

    let parsed;
    try {
      parsed = integrationSettings(trigger.type, trigger.config);
    } catch (err) {
      if (err instanceof TriggerMisconfiguredError) return this.pause(workflowId, err.message);
      throw err;
    }
    const scopes = parsed.type === GMAIL_TRIGGER ? [GMAIL_READ_SCOPE] : [CALENDAR_READ_SCOPE];
    const connectionId = parsed.settings.connectionId;

    let token: string;
    try {
      const access = await this.deps.connections.access(connectionId, trigger.ownerId, scopes);
      if (access.provider !== 'google' || access.auth.type !== 'bearer')
        return this.pause(
          workflowId,
          'the connection is not a Google account: choose a Google connection',
        );
      token = access.auth.token;
    } catch (err) {
      if (err instanceof ConnectionAccessError && !err.retryable)
        return this.pause(workflowId, pauseReasonOf(err));
      return this.failed(workflowId, now, err);
    }

    let result;
    try {
      const input = { token, cursor: state.cursor, now };
      result =
        parsed.type === GMAIL_TRIGGER
          ? await this.deps.gmail.poll({ ...input, settings: parsed.settings })
          : parsed.type === CALENDAR_TRIGGER
            ? await this.deps.calendar.poll({ ...input, settings: parsed.settings })
            : undefined;
    } catch (err) {
      if (err instanceof ProviderRequestError && err.permanent) {
        if (err.kind === 'unauthorized')
          await this.deps.connections
            .report(connectionId, trigger.ownerId, 'revoked', 'Google refused the access token')
            .catch((e: Error) =>
              logger.warn({ workflowId, err: e.message }, 'could not report the connection'),
            );
        return this.pause(workflowId, pauseReasonOf(err));
      }
      return this.failed(workflowId, now, err);
    }
    if (!result) return { kind: 'skipped' };

    let fired = 0;
    let duplicates = 0;
    for (const item of result.items) {
      const outcome = await fireItem(this.deps, {
        first: trigger,
        mode: 'poll',
        itemKey: item.key,
        payload: item.payload,
      });
      if (outcome === 'fired') fired += 1;
      if (outcome === 'duplicate') duplicates += 1;
    }
    const cursorSaved = await states.saveCursor(workflowId, state.generation, result.cursor, now);
    if (fired || duplicates || !cursorSaved)
      logger.info(
        { workflowId, type: trigger.type, fired, duplicates, cursorSaved },
        'trigger polled',
      );
    return { kind: 'polled', fired, duplicates, cursorSaved };
  }

  private async pause(workflowId: string, reason: string): Promise<PollOutcome> {
    const now = this.deps.now();
    if (await this.deps.states.pause(workflowId, reason, now)) {
      // Stop asking: the next poll would be refused the same way.
      await this.deps.polls.remove(workflowId);
      this.deps.logger.warn({ workflowId, reason }, 'trigger paused');
    }
    return { kind: 'paused', reason };
  }

  private async failed(workflowId: string, now: Date, err: unknown): Promise<PollOutcome> {
    const error = err instanceof Error ? err.message : String(err);
    this.deps.logger.warn(
      { workflowId, err: error },
      'trigger poll failed; retrying at the next interval',
    );
    await this.deps.states.recordPoll(workflowId, now, error.slice(0, 500));
    return { kind: 'failed', error };
  }
}
