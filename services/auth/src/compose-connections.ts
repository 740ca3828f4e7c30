import path from 'node:path';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { loadInternalServiceToken, providerEndpointsFromEnv } from '@flowgenie/integrations';
import {
  EnvelopeSecrets,
  type Logger,
  type SecretsKey,
  type TokenVerifier,
} from '@flowgenie/platform';
import { AccessConnection } from './app/connections/access-connection';
import { CheckConnections } from './app/connections/check-connections';
import { CompleteConnectionOAuth } from './app/connections/complete-connection-oauth';
import { CreateCredentialConnection } from './app/connections/create-credential-connection';
import type { ConnectionDeps } from './app/connections/deps';
import { DisconnectConnection } from './app/connections/disconnect-connection';
import { ListConnectionOptions } from './app/connections/list-connection-options';
import { ListConnections } from './app/connections/list-connections';
import { ReportConnection } from './app/connections/report-connection';
import { StartConnectionOAuth } from './app/connections/start-connection-oauth';
import { EnvelopeConnectionSecrets } from './adapters/crypto/envelope-connection-secrets';
import { connectionRoutes, internalConnectionRoutes } from './adapters/http/connection.routes';
import type { AuthDb } from './adapters/persistence/auth.tables';
import { PgConnectionRepository } from './adapters/persistence/connection.repository';
import { HttpOAuthProviders } from './adapters/providers/http-oauth-providers';
import { RedisConnectionOAuthStates } from './adapters/redis/redis-connection-oauth-states';
import type { Config } from './config';
import type { Clock } from './ports/clock';

/** The public path the providers send the browser back to. */
export const CONNECTION_CALLBACK_PATH = '/api/connections/oauth/callback';

/**
 * Wires the connections feature (docs/ARCHITECTURE.md, "Connections"): its routes. Its use cases
 * write `connection.created` / `connection.revoked` to the outbox, which the host's relay publishes
 * (the auth definition has `outbox: true`).
 */
export async function composeConnections(deps: {
  config: Config;
  db: Kysely<AuthDb>;
  redis: Redis;
  secretsKey: SecretsKey;
  verify: TokenVerifier;
  logger: Logger;
  clock: Clock;
}): Promise<{
  publicRoutes: Router;
  internalRoutes: Router;
}> {
  const { config, logger } = deps;
  const endpoints = providerEndpointsFromEnv({
    GOOGLE_BASE_URL: config.GOOGLE_BASE_URL,
    SLACK_BASE_URL: config.SLACK_BASE_URL,
  });
  const base: ConnectionDeps = {
    connections: new PgConnectionRepository(deps.db),
    secrets: new EnvelopeConnectionSecrets(new EnvelopeSecrets(deps.secretsKey)),
    providers: new HttpOAuthProviders({
      google: {
        ...endpoints.google,
        clientId: config.GOOGLE_CLIENT_ID,
        clientSecret: config.GOOGLE_CLIENT_SECRET,
      },
      slack: {
        ...endpoints.slack,
        clientId: config.SLACK_CLIENT_ID,
        clientSecret: config.SLACK_CLIENT_SECRET,
      },
      userEndpoints: {
        allowLoopback: config.HTTP_ALLOW_LOOPBACK,
        allowPrivateNetworks: config.HTTP_ALLOW_PRIVATE_NETWORKS,
      },
    }),
    clock: deps.clock,
    log: logger,
  };
  const oauth = {
    ...base,
    states: new RedisConnectionOAuthStates(deps.redis, config.REDIS_PREFIX),
    redirectUri: `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${CONNECTION_CALLBACK_PATH}`,
  };
  const access = new AccessConnection(base);
  const useCases = {
    list: new ListConnections(base),
    createCredential: new CreateCredentialConnection(base),
    startOAuth: new StartConnectionOAuth(oauth),
    completeOAuth: new CompleteConnectionOAuth(oauth),
    disconnect: new DisconnectConnection(base),
    options: new ListConnectionOptions({ ...base, access }),
    access,
    report: new ReportConnection(base),
    check: new CheckConnections(base),
  };
  const serviceToken = await loadInternalServiceToken(
    {
      INTERNAL_SERVICE_TOKEN: config.INTERNAL_SERVICE_TOKEN,
      INTERNAL_SERVICE_TOKEN_FILE:
        config.INTERNAL_SERVICE_TOKEN_FILE ?? path.join(config.DATA_DIR, 'internal.token'),
    },
    { warn: (m) => logger.warn(m) },
  );

  return {
    publicRoutes: connectionRoutes(useCases, deps.verify, {
      publicBaseUrl: config.PUBLIC_BASE_URL,
      log: logger,
    }),
    internalRoutes: internalConnectionRoutes(useCases, serviceToken),
  };
}
