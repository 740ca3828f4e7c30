import { createLogger, loadConfig, onShutdown, baseEnv } from '@flowgenie/platform';
import { createHost, type HostConfig, type ServiceDefinition } from '@flowgenie/runtime';
import { createGateway, loadGatewayConfig, type Gateway } from '@flowgenie/local-gateway';
import { z } from 'zod';
import { authService } from '../../../services/auth/src/compose';
import { catalogService } from '../../../services/workflow-catalog/src/compose';
import { triggerService } from '../../../services/trigger/src/compose';
import { executionService } from '../../../services/execution/src/compose';
import { executorService } from '../../../services/execution/src/compose-worker';

/**
 * Where the services of the one-process mode listen (loopback, plain HTTP: only the gateway
 * speaks TLS); PORT is the gateway's, EXECUTOR_METRICS_PORT the executor's (its `/readyz`).
 */
const PortsSchema = z.object({
  ...baseEnv,
  PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  AUTH_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  CATALOG_PORT: z.coerce.number().int().min(1).max(65535).default(3002),
  TRIGGER_PORT: z.coerce.number().int().min(1).max(65535).default(3003),
  EXECUTION_PORT: z.coerce.number().int().min(1).max(65535).default(3004),
  EXECUTOR_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(3005),
});

/** Stops the services within this, the executor's steps in flight included (as in main.worker.ts). */
const SHUTDOWN_TIMEOUT_MS = 60_000;

type AnyService = ServiceDefinition<HostConfig, unknown, object, object>;

/**
 * The one-process mode (`FLOWGENIE_PROCESSES=one`, the default of `npm start`): auth,
 * workflow-catalog, trigger, the execution API, the executor and the gateway in one Node process.
 * Each service is the same definition its own main.ts runs, built by the same host: its own
 * schema, pool, Redis client, outbox relay, event consumer and HTTP server. They still talk only
 * through the bus and their HTTP ports (here plain HTTP on 127.0.0.1), so the split mode and the
 * AWS shape run exactly the same code. TLS ends at the gateway, as it does at API Gateway; the
 * gateway hands each public request to the service's HTTP app in this process (no loopback hop).
 */
async function main(): Promise<void> {
  const env = process.env;
  const ports = loadConfig(PortsSchema, env);
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const urls = {
    auth: local(ports.AUTH_PORT),
    catalog: local(ports.CATALOG_PORT),
    trigger: local(ports.TRIGGER_PORT),
    execution: local(ports.EXECUTION_PORT),
    executor: local(ports.EXECUTOR_METRICS_PORT),
  };
  const serviceEnv = (port: number) => ({
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    TLS_CERT_FILE: undefined,
    TLS_KEY_FILE: undefined,
    AUTH_JWKS_URL: `${urls.auth}/.well-known/jwks.json`,
    AUTH_INTERNAL_URL: urls.auth,
    CATALOG_INTERNAL_URL: urls.catalog,
    EXECUTION_INTERNAL_URL: urls.execution,
    // The consumers share this process: the bus hands them events directly (the outbox stays the
    // durable record; their BullMQ queues take what a handler fails). EVENTS_IN_PROCESS=false: queues only.
    EVENTS_IN_PROCESS: env.EVENTS_IN_PROCESS ?? 'true',
  });
  const logger = createLogger({
    service: 'flowgenie',
    level: ports.LOG_LEVEL,
    format: ports.LOG_FORMAT,
  });

  const hosts: { stop(): Promise<void> }[] = [];
  const front: { gateway?: Gateway } = {};
  const stopAll = async () => {
    await front.gateway?.stop();
    // All at once, as the split mode's start command does: each finishes its own work in flight.
    await Promise.all(hosts.map((h) => h.stop()));
  };
  onShutdown(logger, stopAll, SHUTDOWN_TIMEOUT_MS);

  const boot = async (def: AnyService, port: number) => {
    const host = await createHost(def, def.loadConfig(serviceEnv(port)));
    hosts.push(host);
    await host.start();
    return host;
  };
  // Distinct schemas: the four services migrate side by side; the executor shares the execution
  // schema, so it starts once the execution service has migrated it (as in the split mode).
  const [auth, catalog, trigger, execution] = await Promise.all([
    boot(authService as unknown as AnyService, ports.AUTH_PORT),
    boot(catalogService as unknown as AnyService, ports.CATALOG_PORT),
    boot(triggerService as unknown as AnyService, ports.TRIGGER_PORT),
    boot(executionService as unknown as AnyService, ports.EXECUTION_PORT),
  ]);
  await boot(executorService as unknown as AnyService, ports.EXECUTOR_METRICS_PORT);

  const gatewayConfig = loadGatewayConfig({
    ...env,
    AUTH_URL: urls.auth,
    CATALOG_URL: urls.catalog,
    TRIGGER_URL: urls.trigger,
    EXECUTION_URL: urls.execution,
    EXECUTOR_URL: urls.executor,
  });
  const gateway = createGateway(gatewayConfig, {
    logger: createLogger({
      service: 'gateway',
      level: gatewayConfig.LOG_LEVEL,
      format: gatewayConfig.LOG_FORMAT,
    }),
    // The gateway is the edge: it calls the services' HTTP apps here rather than over loopback
    // HTTP (a second parse and two socket writes per request); the services still listen on
    // their ports for each other and for readiness.
    inProcess: {
      auth: auth.app,
      catalog: catalog.app,
      trigger: trigger.app,
      execution: execution.app,
    },
  });
  front.gateway = gateway;
  const running = await gateway.start();
  logger.info({ url: running.url, services: urls }, 'listening');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
