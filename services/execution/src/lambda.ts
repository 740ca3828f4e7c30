import { lambdaEntry } from '@flowgenie/runtime/lambda';
import { executionService } from './compose';

/**
 * The execution API as one Lambda behind the HTTP API (payload 2.0; the public `/api/executions/...`
 * is the app's `/executions/...`): list, read, cancel and retry executions. Cold start, outbox
 * relay and drain (execution.canceled, execution.started of a retry): see serviceLambda.
 * Steps run in the executor.
 *
 * cdk-constructs does not give this function the execution inbox (`consumeEventsInLambda: false`:
 * the executor is meant to consume it); should an SQS batch arrive anyway, its records go to the
 * same handlers as the long-running consumer's (workflow.triggered, workflow.deleted).
 * Behind the HTTP API the SSE stream (`/executions/{id}/stream`) is buffered: the live stream is
 * `lambda-stream.ts`, a response-streaming function on its own function URL.
 *
 * `handler` is the function cdk-constructs' NodeService deploys; tests build their own with
 * `createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } })`.
 */
export const { createLambdaHandler, handler } = lambdaEntry(executionService);
