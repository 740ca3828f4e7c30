import { createServiceLambda } from '@flowgenie/messaging/aws';
import { EmfExporter, resolveBootSecrets, type SecretReader } from '@flowgenie/platform';
import { createHost, type HostOptions } from './host';
import type { HostConfig, ServiceDefinition } from './service';

export type {
  HttpApiEvent,
  HttpApiResult,
  LambdaEvent,
  LambdaHandler,
} from '@flowgenie/messaging/aws';
export { stripApiPrefix } from '@flowgenie/messaging/aws';

/**
 * A service as one Lambda: the HTTP API's requests (payload 2.0) go to its app, and the SQS
 * records of its inbox to the handlers its long-running consumer uses. Built once per cold start
 * (a failed boot is retried by the next invocation), with only the lifecycles marked `inLambda`;
 * its outbox relay runs while the function does and is drained after each invocation (see
 * createServiceLambda).
 *
 * @example
 * const handler = serviceLambda(catalogService, { env: process.env });
 * // a service's lambda.ts uses lambdaEntry, which builds this
 */
export function serviceLambda<C extends HostConfig, DB, O, X extends object>(
  def: ServiceDefinition<C, DB, O, X>,
  opts: {
    env: Record<string, string | undefined>;
    options?: HostOptions & O;
    /** The app's path for the request's. @default `/api/...` is the app's `/...` */
    appPath?: (rawPath: string) => string;
    /** Tests: where secrets named by ARN are read. @default AWS Secrets Manager */
    secrets?: SecretReader;
  },
) {
  const namespace = opts.env.METRICS_EMF_NAMESPACE;
  const exporters = new WeakMap<object, EmfExporter>();
  return createServiceLambda({
    // Nobody scrapes /metrics in a Lambda: the counters go to CloudWatch as EMF log lines.
    afterInvocation: namespace
      ? async (service) => {
          let emf = exporters.get(service);
          if (!emf) {
            emf = new EmfExporter(service.metrics.registry, { namespace });
            exporters.set(service, emf);
          }
          await emf.flush();
        }
      : undefined,
    compose: async () => {
      // Read at every (re)boot: a boot that failed on a stale password reads the secret again.
      const { env, database } = await resolveBootSecrets(opts.env, opts.secrets);
      const options = { ...opts.options, ...(database && { database }) } as HostOptions & O;
      const service = await createHost(def, def.loadConfig(env), options);
      return { logger: service.logger, service };
    },
    start: (service) => service.startInLambda(),
    appPath: opts.appPath,
  });
}

/**
 * A service's whole `lambda.ts`: `createLambdaHandler({ env, compose })` (tests: a literal
 * environment and host options) and `handler`, the function cdk-constructs' NodeService deploys
 * (on `process.env`; nothing is built before the first invocation).
 *
 * @example
 * // services/workflow-catalog/src/lambda.ts
 * export const { createLambdaHandler, handler } = lambdaEntry(catalogService);
 */
export function lambdaEntry<C extends HostConfig, DB, O, X extends object>(
  def: ServiceDefinition<C, DB, O, X>,
  opts: { appPath?: (rawPath: string) => string } = {},
) {
  const createLambdaHandler = (entry: {
    env: Record<string, string | undefined>;
    compose?: HostOptions & O;
    secrets?: SecretReader;
  }) =>
    serviceLambda(def, {
      env: entry.env,
      options: entry.compose,
      appPath: opts.appPath,
      secrets: entry.secrets,
    });
  return { createLambdaHandler, handler: createLambdaHandler({ env: process.env }) };
}
