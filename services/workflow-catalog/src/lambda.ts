import { lambdaEntry } from '@flowgenie/runtime/lambda';
import { catalogService } from './compose';

/**
 * The catalog as one Lambda: the HTTP API's requests (payload 2.0; the public `/api/workflows/...`,
 * `/api/node-types/...` are the app's `/workflows/...`, `/node-types/...`) go to the Express app.
 * It consumes no events (no SQS records). Cold start, outbox relay and drain: see serviceLambda.
 *
 * `handler` is the function cdk-constructs' NodeService deploys; tests build their own with
 * `createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } })`.
 */
export const { createLambdaHandler, handler } = lambdaEntry(catalogService);
