import { createServiceLambda } from '@flowgenie/messaging/aws';
import { createLogger } from '@flowgenie/platform';
import { compose, type ComposeOptions } from './compose';
import { loadCatalogConfig } from './config';

export type { HttpApiEvent, HttpApiResult, LambdaEvent, LambdaHandler } from '@flowgenie/messaging/aws';

/**
 * The catalog as one Lambda: the HTTP API's requests (payload 2.0; the public `/api/workflows/...`,
 * `/api/node-types/...` are the app's `/workflows/...`, `/node-types/...`) go to the Express app,
 * and the SQS records of its inbox (execution.* events) to the same handlers the long-running
 * consumer uses. Cold start, outbox relay and drain: see createServiceLambda.
 *
 * @example
 * // tests: the same handler on a literal environment
 * const handler = createLambdaHandler({ env: { DATABASE_URL, EVENT_BUS: 'aws', EVENT_BUS_NAME: 'flowgenie-test' } });
 */
export function createLambdaHandler(opts: { env: Record<string, string | undefined>; compose?: ComposeOptions }) {
  return createServiceLambda({
    compose: async () => {
      const config = loadCatalogConfig(opts.env);
      const logger = createLogger({ service: 'workflow-catalog', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
      return { logger, service: await compose(config, { ...opts.compose, logger }) };
    },
  });
}

/** The function cdk-constructs' NodeService deploys (`services/workflow-catalog/src/lambda.ts`, export `handler`). */
export const handler = createLambdaHandler({ env: process.env });
