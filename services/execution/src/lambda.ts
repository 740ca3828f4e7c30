import { serviceLambda } from '@flowgenie/runtime/lambda';
import { executionService, type ExecutionHostOptions } from './compose';

export type {
  HttpApiEvent,
  HttpApiResult,
  LambdaEvent,
  LambdaHandler,
} from '@flowgenie/runtime/lambda';

/**
 * The execution API as one Lambda behind the HTTP API (payload 2.0; the public `/api/executions/...`
 * is the app's `/executions/...`): list, read, cancel and retry executions. Cold start, outbox
 * relay and drain (execution.canceled, execution.started of a retry): see createServiceLambda.
 * Steps run in the executor.
 *
 * cdk-constructs does not give this function the execution inbox (`consumeEventsInLambda: false`:
 * the executor is meant to consume it); should an SQS batch arrive anyway, its records go to the
 * same handlers as the long-running consumer's (workflow.triggered, workflow.deleted).
 * The SSE stream (`/executions/{id}/stream`) cannot stream through a buffered Lambda response.
 *
 * @example
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: {
  env: Record<string, string | undefined>;
  compose?: ExecutionHostOptions;
}) {
  return serviceLambda(executionService, { env: opts.env, options: opts.compose });
}

/** The function cdk-constructs' NodeService deploys (`services/execution/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
