import { serviceLambda } from '@flowgenie/runtime/lambda';
import { triggerService, type TriggerHostOptions } from './compose';

export type {
  HttpApiEvent,
  HttpApiResult,
  LambdaEvent,
  LambdaHandler,
} from '@flowgenie/runtime/lambda';

/**
 * The trigger service as one Lambda: the HTTP API's requests (payload 2.0: `/hooks/...` keeps its
 * path, an `/api/...` path is the app's without `/api`) go to the Express app, and the SQS records
 * of its inbox (workflow.activated/deactivated/deleted) to the same handlers the long-running
 * consumer uses. The outbox relay and the webhook answer subscriber (the one `inLambda` lifecycle)
 * run while the function does, so a webhook that waits for its workflow's answer gets it within
 * the invocation; cold start and the outbox drain after each invocation: see serviceLambda.
 *
 * Not run here: the BullMQ schedule worker (a frozen function cannot fire schedules; EventBridge
 * Scheduler firings need their own adapter, not built yet).
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: {
  env: Record<string, string | undefined>;
  compose?: TriggerHostOptions;
}) {
  return serviceLambda(triggerService, { env: opts.env, options: opts.compose });
}

/** The function cdk-constructs' NodeService deploys (`services/trigger/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
