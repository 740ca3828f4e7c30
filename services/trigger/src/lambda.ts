import { createServiceLambda } from '@flowgenie/messaging/aws';
import { createLogger } from '@flowgenie/platform';
import { compose, type ComposeOptions } from './compose';
import { loadTriggerConfig } from './config';

export type { HttpApiEvent, HttpApiResult, LambdaEvent, LambdaHandler } from '@flowgenie/messaging/aws';

/**
 * The trigger service as one Lambda: the HTTP API's requests (payload 2.0: `/hooks/...` keeps its
 * path, an `/api/...` path is the app's without `/api`) go to the Express app, and the SQS records
 * of its inbox (workflow.activated/deactivated/deleted) to the same handlers the long-running
 * consumer uses. The outbox relay and the webhook answer subscriber run while the function does,
 * so a webhook that waits for its workflow's answer gets it within the invocation; cold start and
 * the outbox drain after each invocation: see createServiceLambda.
 *
 * Not run here: the BullMQ schedule worker (a frozen function cannot fire schedules; EventBridge
 * Scheduler firings need their own adapter, not built yet).
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  return createServiceLambda({
    compose: async () => {
      const config = loadTriggerConfig(opts.env);
      const logger = createLogger({ service: 'trigger', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      return { logger, service: await compose(config, { ...opts.compose, logger }) };
    },
    start: (service) => service.waiter.start(),
  });
}

/** The function cdk-constructs' NodeService deploys (`services/trigger/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
