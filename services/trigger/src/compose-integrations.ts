import type { RouteMount } from '@flowgenie/runtime';
import type { Kysely } from 'kysely';
import {
  ConnectionAccessError,
  internalConnectionAccess,
  providerEndpointsFromEnv,
  type ConnectionAccess,
} from '@flowgenie/integrations';
import type { EventHandlers } from '@flowgenie/messaging';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  functionUrlFetch,
  schedulesBackend,
  type Logger,
  type Redis,
  type TokenVerifier,
} from '@flowgenie/platform';
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
import { EventBridgePolls } from './adapters/schedule/eventbridge-polls';
import { WebApiSlackTeamResolver } from './adapters/slack/slack-team-resolver';
import type { Config } from './config';
import type { FiringStore } from './ports/firing-store';
import type { PayloadClaims } from './ports/payload-claims';
import type { TriggerEventInbox, TriggerRepository } from './ports/trigger-repository';
import type { TriggerMetrics } from './ports/trigger-metrics';

/**
 * How often deliveries left unprocessed (auth down, a crash after the ack) are fired again by the
 * local timer. On AWS the CDK's `slack-sweep` Scheduler schedule sends `slack.sweep.due` every
 * minute instead (a frozen Lambda runs no timer).
 */
const SLACK_SWEEP_MS = 30_000;
/** Deliveries younger than this are left to the request that received them. */
const SLACK_SWEEP_MIN_AGE_MS = 5_000;

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
  /** EventBridge Scheduler (SCHEDULES=aws): polls are `rate()` schedules in the schedules' group. */
  scheduler?: SchedulerClient;
}) {
  const { config, logger, now } = deps;
  const endpoints = providerEndpointsFromEnv({
    GOOGLE_BASE_URL: config.GOOGLE_BASE_URL,
    SLACK_BASE_URL: config.SLACK_BASE_URL,
  });
  const connections =
    deps.connectionAccess ??
    (await internalConnectionAccess(
      config,
      (problem) => {
        logger.error(
          { file: config.INTERNAL_SERVICE_TOKEN_FILE },
          `Gmail, Calendar and Slack triggers cannot reach their connections: ${problem}`,
        );
        return noServiceToken(problem);
      },
      // Auth's function URL takes SigV4-signed calls only (on AWS).
      { fetch: functionUrlFetch() },
    ));

  // Local: BullMQ job schedulers and their worker. AWS: Scheduler rate() schedules whose poll.due
  // messages arrive on the trigger's queue (handled below).
  const bullmqPolls =
    schedulesBackend(config) === 'local'
      ? new BullmqPolls({ connection: deps.redis, prefix: config.REDIS_PREFIX, logger })
      : undefined;
  const polls: BullmqPolls | EventBridgePolls =
    bullmqPolls ??
    new EventBridgePolls({
      client: requireScheduler(deps.scheduler),
      groupName: config.SCHEDULE_GROUP_NAME!,
      roleArn: config.SCHEDULER_ROLE_ARN!,
      targetArn: config.SCHEDULE_TARGET_QUEUE_ARN!,
      logger,
      // Bound below: the poll use case needs the registry to stop a paused trigger's polls.
      pollNow: (workflowId) => poll.execute(workflowId),
    });
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
  const handlers: EventHandlers = {
    ...connectionEventHandlers(sync),
    // EventBridge Scheduler's poll firings (SCHEDULES=aws).
    'poll.due': async (event) => {
      await poll.execute(event.data.workflowId);
    },
    // The Slack sweep's Scheduler firings (AWS): a failure is redelivered by the queue.
    'slack.sweep.due': async () => {
      await sweepSlack();
    },
  };
  let sweep: NodeJS.Timeout | undefined;

  const sweepSlack = async () => {
    const pending = await processSlack.recover(new Date(now().getTime() - SLACK_SWEEP_MIN_AGE_MS));
    if (pending > 0) logger.info({ pending }, 'slack event sweep processed pending deliveries');
  };
  const recover = () =>
    sweepSlack().catch((err: Error) =>
      logger.warn({ err: err.message }, 'slack event sweep failed'),
    );

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
      await bullmqPolls?.start((workflowId) => poll.execute(workflowId));
      void recover();
      sweep = setInterval(() => void recover(), SLACK_SWEEP_MS);
      sweep.unref();
    },
    async stop(): Promise<void> {
      if (sweep) clearInterval(sweep);
      await bullmqPolls?.stop();
    },
  };
}

function requireScheduler(client: SchedulerClient | undefined): SchedulerClient {
  if (!client) throw new Error('SCHEDULES=aws: the integration triggers need the Scheduler client');
  return client;
}

export type IntegrationTriggers = Awaited<ReturnType<typeof composeIntegrationTriggers>>;
