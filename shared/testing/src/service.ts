import { createRedis } from '@flowgenie/platform';
import {
  createHost,
  type HostConfig,
  type HostOptions,
  type ServiceDefinition,
  type ServiceHost,
} from '@flowgenie/runtime';
import type { RunningServer } from '@flowgenie/platform';
import {
  createTestDatabase,
  deleteRedisKeys,
  testRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from './index';
import { httpClient, type HttpCall } from './http-client';
import { TEST_AUDIENCE, TEST_ISSUER } from './tokens';

export interface TestService<C extends HostConfig, DB, X extends object> {
  host: ServiceHost<C, DB, X>;
  server: RunningServer;
  url: string;
  config: C;
  database: TestDatabase;
  /** The suite's Redis key prefix (REDIS_PREFIX). */
  prefix: string;
  /** JSON over HTTP against the service. */
  call: HttpCall;
  /** Stops the service, deletes the suite's Redis keys and drops its database. */
  close(): Promise<void>;
}

/**
 * A service on a database and Redis prefix of the suite's own, over plain HTTP on a free port, with
 * silent logs and the test issuer and audience (sign tokens with `createTestTokens()` and pass its
 * `keySet` in `options`). `env` overrides or adds variables; `databaseUrl` lets a test route the
 * service's connections (e.g. through a TCP proxy).
 *
 * @example
 * const tokens = await createTestTokens();
 * const svc = await startService(catalogService, 'catalog', { options: { keySet: tokens.keySet } });
 * const res = await svc.call('GET', '/workflows', { token: (await tokens.userToken()).token });
 * await svc.close();
 */
export async function startService<C extends HostConfig, DB, O, X extends object>(
  definition: ServiceDefinition<C, DB, O, X>,
  label: string,
  opts: {
    env?: Record<string, string>;
    options?: HostOptions & O;
    databaseUrl?: (url: string) => string;
  } = {},
): Promise<TestService<C, DB, X>> {
  const database = await createTestDatabase(label);
  const prefix = testRedisPrefix(label);
  const dropAll = async () => {
    const redis = createRedis(TEST_REDIS_URL);
    await deleteRedisKeys(redis, prefix).finally(() => redis.quit());
    await database.drop();
  };
  let host: ServiceHost<C, DB, X> | undefined;
  try {
    const config = definition.loadConfig({
      DATABASE_URL: opts.databaseUrl?.(database.url) ?? database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      ...opts.env,
    });
    host = await createHost(definition, config, opts.options);
    const server = await host.start();
    const running = host;
    return {
      host: running,
      server,
      url: server.url,
      config,
      database,
      prefix,
      call: httpClient(server.url),
      async close() {
        await running.stop();
        await dropAll();
      },
    };
  } catch (err) {
    await host?.stop().catch(() => undefined);
    await dropAll();
    throw err;
  }
}
