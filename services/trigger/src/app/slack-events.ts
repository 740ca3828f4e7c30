import { ConnectionAccessError, type ConnectionAccess } from '@flowgenie/integrations';
import type { SlackEventPayload } from '@flowgenie/integrations/triggers';
import type { Logger } from '@flowgenie/platform';
import {
  InvalidRequestError,
  InvalidSignatureError,
  SlackNotConfiguredError,
} from '../domain/errors';
import { SLACK_TRIGGER, slackEventMatches } from '../domain/integration-trigger';
import { verifySlackSignature } from '../domain/slack-signature';
import { ProviderRequestError, type SlackTeamResolver } from '../ports/provider-sources';
import type { SlackEventStore } from '../ports/slack-event-store';
import type { TriggerRepository } from '../ports/trigger-repository';
import type { TriggerStateStore } from '../ports/trigger-state-store';
import { fireItem, type FireItemDeps } from './fire-item';
import { integrationSettings } from './integration-settings';
import { pauseReasonOf } from './poll-trigger';

export type SlackReceipt =
  { kind: 'challenge'; challenge: string } | { kind: 'ack'; eventId?: string; isNew: boolean };

/**
 * `POST /hooks/slack/events`: Slack's Events API. The signature (signing secret, 5-minute
 * window) is checked before anything is written; `url_verification` is answered with its
 * challenge; an `event_callback` is kept once per `event_id` (Slack's retries are acknowledged
 * and dropped) and acknowledged at once. Firing happens after the answer ({@link ProcessSlackEvent}),
 * as Slack wants one within 3 seconds.
 */
export class ReceiveSlackEvent {
  constructor(
    private readonly deps: {
      signingSecret: string | undefined;
      events: SlackEventStore;
      now: () => Date;
    },
  ) {}

  async execute(input: {
    rawBody: Buffer;
    signature: string | undefined;
    timestamp: string | undefined;
    body: unknown;
  }): Promise<SlackReceipt> {
    if (!this.deps.signingSecret) throw new SlackNotConfiguredError();
    const check = verifySlackSignature({
      signingSecret: this.deps.signingSecret,
      signature: input.signature,
      timestamp: input.timestamp,
      rawBody: input.rawBody,
      now: this.deps.now(),
    });
    if (!check.ok)
      throw new InvalidSignatureError(
        check.reason === 'expired'
          ? 'X-Slack-Request-Timestamp is more than 5 minutes away from now'
          : check.reason === 'missing'
            ? 'X-Slack-Signature and X-Slack-Request-Timestamp are required'
            : 'X-Slack-Signature does not match the body',
      );
    const body = input.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new InvalidRequestError('the body must be a JSON object', 'body');
    if (body.type === 'url_verification') {
      if (typeof body.challenge !== 'string')
        throw new InvalidRequestError('challenge must be a string', 'body.challenge');
      return { kind: 'challenge', challenge: body.challenge };
    }
    if (body.type !== 'event_callback') return { kind: 'ack', isNew: false };
    const { event_id: eventId, team_id: teamId, event } = body;
    if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > 100)
      throw new InvalidRequestError('event_id must be a string', 'body.event_id');
    if (typeof teamId !== 'string' || teamId.length === 0 || teamId.length > 100)
      throw new InvalidRequestError('team_id must be a string', 'body.team_id');
    if (!event || typeof event !== 'object' || Array.isArray(event))
      throw new InvalidRequestError('event must be an object', 'body.event');
    const isNew = await this.deps.events.insertIfNew({ eventId, teamId, body });
    return { kind: 'ack', eventId, isNew };
  }
}

/**
 * Fires every active slack_event trigger whose connection's workspace is the event's team and
 * whose filters match, once per (trigger, event_id), then marks the delivery processed. The team
 * of a connection is learnt once (auth.test with the connection's token) and kept; a revoked
 * connection pauses its trigger. Deliveries a crash left unprocessed are picked up at start.
 */
export class ProcessSlackEvent {
  constructor(
    private readonly deps: FireItemDeps & {
      events: SlackEventStore;
      triggers: TriggerRepository;
      states: TriggerStateStore;
      connections: ConnectionAccess;
      slackTeams: SlackTeamResolver;
      logger: Logger;
    },
  ) {}

  async execute(eventId: string): Promise<{ fired: number }> {
    const { events, states, logger } = this.deps;
    const stored = await events.find(eventId);
    if (!stored || stored.processedAt) return { fired: 0 };
    const event = stored.body.event as Record<string, unknown>;
    let fired = 0;
    for (const state of await states.activeForTeam(SLACK_TRIGGER, stored.teamId)) {
      const trigger = await this.deps.triggers.findByWorkflowId(state.workflowId);
      if (!trigger?.active || trigger.type !== SLACK_TRIGGER) continue;
      let parsed;
      try {
        parsed = integrationSettings(trigger.type, trigger.config);
      } catch (err) {
        logger.warn(
          { workflowId: trigger.workflowId, err: (err as Error).message },
          'slack trigger skipped',
        );
        continue;
      }
      if (parsed.type !== SLACK_TRIGGER || !slackEventMatches(parsed.settings, event)) continue;
      const teamId =
        state.teamId ??
        (await this.learnTeam(trigger.workflowId, parsed.settings.connectionId, trigger.ownerId));
      if (teamId !== stored.teamId) continue;
      const outcome = await fireItem(this.deps, {
        first: trigger,
        mode: 'event',
        itemKey: eventId,
        payload: slackPayload(stored.eventId, stored.teamId, stored.body, event),
      });
      if (outcome === 'fired') fired += 1;
    }
    await events.markProcessed(eventId, this.deps.now());
    return { fired };
  }

  /**
   * Fires deliveries received before `before` and never processed (a crash between ack and
   * firing, auth unreachable), then forgets processed ones older than a day (retries of them are
   * long over; their firings keep the dedup).
   */
  async recover(before: Date): Promise<number> {
    const pending = await this.deps.events.pending(before, 100);
    for (const id of pending) {
      try {
        await this.execute(id);
      } catch (err) {
        this.deps.logger.warn(
          { eventId: id, err: (err as Error).message },
          'slack event still not processed',
        );
      }
    }
    await this.deps.events.prune(new Date(this.deps.now().getTime() - 24 * 3_600_000));
    return pending.length;
  }

  private async learnTeam(
    workflowId: string,
    connectionId: string,
    ownerId: string,
  ): Promise<string | undefined> {
    try {
      const access = await this.deps.connections.access(connectionId, ownerId);
      if (access.provider !== 'slack' || access.auth.type !== 'bearer') {
        await this.deps.states.pause(
          workflowId,
          'the connection is not a Slack workspace: choose a Slack connection',
          this.deps.now(),
        );
        return undefined;
      }
      const teamId = await this.deps.slackTeams.teamOf(access.auth.token);
      await this.deps.states.setTeam(workflowId, teamId);
      return teamId;
    } catch (err) {
      if (
        (err instanceof ConnectionAccessError && !err.retryable) ||
        (err instanceof ProviderRequestError && err.permanent)
      ) {
        await this.deps.states.pause(workflowId, pauseReasonOf(err), this.deps.now());
        return undefined;
      }
      // Transient: this event is retried from the stored delivery (not marked processed).
      throw err;
    }
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function slackPayload(
  eventId: string,
  teamId: string,
  body: Record<string, unknown>,
  event: Record<string, unknown>,
): SlackEventPayload {
  const item = event.item as { channel?: unknown } | undefined;
  return {
    eventId,
    teamId,
    type: String(event.type ?? ''),
    channel: str(event.channel) ?? str(item?.channel),
    user: str(event.user),
    text: str(event.text),
    ts: str(event.ts),
    threadTs: str(event.thread_ts),
    eventTime: typeof body.event_time === 'number' ? body.event_time : 0,
    event,
  };
}
