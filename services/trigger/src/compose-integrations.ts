import type { RouteMount } from '@flowgenie/runtime';
import type { Kysely } from 'kysely';
import {
  ConnectionAccessError,
  internalConnectionAccess,
  providerEndpointsFromEnv,
  type ConnectionAccess,
} from '@flowgenie/integrations';
import type { EventHandlers } from '@flowgenie/messaging';
import type { Logger, Redis, TokenVerifier } from '@flowgenie/platform';
import { GetTriggerStatus } from './app/get-trigger-status';
import { IntegrationTriggerSync } from './app/integration-lifecycle';
import { PollTrigger } from './app/poll-trigger';
import { ProcessSlackEvent, ReceiveSlackEvent } from './app/slack-events';
import { CalendarPollSource } from './adapters/google/calendar-source';
import { GmailPollSource } from './adapters/google/gmail-source';
import { slackEventRoutes } from './adapters/http/slack-events.routes';
import { triggerStatusRoutes } from './adapters/http/trigger-status.routes';
import { connectionEventHandlers } from './adapters/messaging/connection-events.handlers';
import type { TriggerDb } from './adapters/persistence/tables';
import {
  KyselySlackEventStore,
  KyselyTriggerStateStore,
} from './adapters/persistence/trigger-state.store';
import { BullmqPolls } from './adapters/schedule/bullmq-polls';
import { WebApiSlackTeamResolver } from './adapters/slack/slack-team-resolver';
import type { Config } from './config';
import type { FiringStore } from './ports/firing-store';
import type { PayloadClaims } from './ports/payload-claims';
import type { TriggerEventInbox, TriggerRepository } from './ports/trigger-repository';
import type { TriggerMetrics } from './ports/trigger-metrics';

/** How often deliveries left unprocessed (auth down, a crash after the ack) are fired again. */
const SLACK_SWEEP_MS = 30_000;

/** Without a readable service token every access fails as retryable: triggers record why. */
const noServiceToken = (reason: string): ConnectionAccess => ({
  access: () => Promise.reject(new ConnectionAccessError('connection_unavailable', reason)),
  report: () => Promise.resolve(),
});

/**
 * The Gmail, Calendar and Slack triggers: state store, poll backend and worker, provider
 * adapters, the Slack Events endpoint, the trigger status route and the connection event
 * handlers. compose.ts wires it in (routes, handlers, a lifecycle); nothing runs before `start()`.
 */
export async function composeIntegrationTriggers(deps: {
  config: Config;
  db: Kysely<TriggerDb>;
  redis: Redis;
  logger: Logger;
  inbox: TriggerEventInbox;
  triggers: TriggerRepository;
  firings: FiringStore;
  metrics: TriggerMetrics;
  newId: () => string;
  now: () => Date;
  /** The claim check of large payloads and graphs (default: inline). */
  payloads?: PayloadClaims;
  /** Tests: where tokens come from (default: auth's internal endpoint). */
  connectionAccess?: ConnectionAccess;
}) {
  const { config, logger, now } = deps;
  const endpoints = providerEndpointsFromEnv({
    GOOGLE_BASE_URL: config.GOOGLE_BASE_URL,
    SLACK_BASE_URL: config.SLACK_BASE_URL,
  });
  const connections =
    deps.connectionAccess ??
    (await internalConnectionAccess(config, (problem) => {
      logger.error(
        { file: config.INTERNAL_SERVICE_TOKEN_FILE },
        `Gmail, Calendar and Slack triggers cannot reach their connections: ${problem}`,
      );
      return noServiceToken(problem);
    }));

  const polls = new BullmqPolls({ connection: deps.redis, prefix: config.REDIS_PREFIX, logger });
  const states = new KyselyTriggerStateStore(deps.db);
  const slackEvents = new KyselySlackEventStore(deps.db);
  const fire = {
    firings: deps.firings,
    metrics: deps.metrics,
    newId: deps.newId,
    now,
    logger,
    payloads: deps.payloads,
  };
  const sync = new IntegrationTriggerSync({ inbox: deps.inbox, polls, logger, now });
  const poll = new PollTrigger({
    ...fire,
    triggers: deps.triggers,
    states,
    polls,
    connections,
    gmail: new GmailPollSource({ rootUrl: endpoints.google.apiRootUrl }),
    calendar: new CalendarPollSource({ rootUrl: endpoints.google.apiRootUrl }),
    logger,
  });
  const receiveSlack = new ReceiveSlackEvent({
    signingSecret: config.SLACK_SIGNING_SECRET,
    events: slackEvents,
    now,
  });
  const processSlack = new ProcessSlackEvent({
    ...fire,
    events: slackEvents,
    triggers: deps.triggers,
    states,
    connections,
    slackTeams: new WebApiSlackTeamResolver({ apiUrl: endpoints.slack.apiUrl }),
    logger,
  });
  const status = new GetTriggerStatus({ triggers: deps.triggers, states });
  const handlers: EventHandlers = connectionEventHandlers(sync);
  let sweep: NodeJS.Timeout | undefined;

  const recover = () =>
    processSlack
      .recover(new Date(now().getTime() - 5_000))
      .catch((err: Error) => logger.warn({ err: err.message }, 'slack event sweep failed'));

  return {
    sync,
    poll,
    polls,
    states,
    processSlack,
    handlers,
    /** Mounted before the webhook routes: `/hooks/slack/events` is not a hook id. */
    routes(verify: TokenVerifier): RouteMount[] {
      return [
        [
          '/hooks/slack',
          slackEventRoutes({
            receive: receiveSlack,
            process: processSlack,
            logger,
            bodyLimitBytes: config.HOOK_BODY_LIMIT_BYTES,
          }),
        ],
        ['/workflows', triggerStatusRoutes({ status, verify })],
      ];
    },
    async start(): Promise<void> {
      await polls.start((workflowId) => poll.execute(workflowId));
      void recover();
      sweep = setInterval(() => void recover(), SLACK_SWEEP_MS);
      sweep.unref();
    },
    async stop(): Promise<void> {
      if (sweep) clearInterval(sweep);
      await polls.stop();
    },
  };
}

export type IntegrationTriggers = Awaited<ReturnType<typeof composeIntegrationTriggers>>;
