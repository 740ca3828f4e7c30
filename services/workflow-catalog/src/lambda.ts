import { serviceLambda } from '@flowgenie/runtime/lambda';
import { catalogService, type CatalogHostOptions } from './compose';

export type {
  HttpApiEvent,
  HttpApiResult,
  LambdaEvent,
  LambdaHandler,
} from '@flowgenie/runtime/lambda';

/**
 * The catalog as one Lambda: the HTTP API's requests (payload 2.0; the public `/api/workflows/...`,
 * `/api/node-types/...` are the app's `/workflows/...`, `/node-types/...`) go to the Express app,
 * and the SQS records of its inbox (execution.* events) to the same handlers the long-running
 * consumer uses. Cold start, outbox relay and drain: see serviceLambda.
 *
 * @example
 * // tests: the same handler on a literal environment
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: {
  env: Record<string, string | undefined>;
  compose?: CatalogHostOptions;
}) {
  return serviceLambda(catalogService, { env: opts.env, options: opts.compose });
}

/** The function cdk-constructs' NodeService deploys (`services/workflow-catalog/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
