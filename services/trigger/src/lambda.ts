import { lambdaEntry } from '@flowgenie/runtime/lambda';
import { triggerService } from './compose';

/**
 * The trigger service as one Lambda: the HTTP API's requests (payload 2.0: `/hooks/...` keeps its
 * path, an `/api/...` path is the app's without `/api`) go to the Express app, and the SQS records
 * of its inbox (workflow.activated/deactivated/deleted) to the same handlers the long-running
 * consumer uses. The outbox relay and the webhook answer subscriber (the one `inLambda` lifecycle)
 * run while the function does, so a webhook that waits for its workflow's answer gets it within
 * the invocation; cold start and the outbox drain after each invocation: see serviceLambda.
 *
 * Not run here: the BullMQ schedule worker and the Slack sweep timer (a frozen function runs no
 * timer). With SCHEDULES=aws (cdk-constructs sets it) EventBridge Scheduler fires them: its
 * `schedule.fired`, `poll.due` and `slack.sweep.due` messages arrive among the inbox's SQS records
 * and are handled here.
 *
 * `handler` is the function cdk-constructs' NodeService deploys; tests build their own with
 * `createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } })`.
 */
export const { createLambdaHandler, handler } = lambdaEntry(triggerService);
