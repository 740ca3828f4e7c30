import {
  ConnectionCheckUnavailableError,
  httpConnectionCheck,
  loadInternalServiceToken,
  type ConnectionCheck,
} from '@flowgenie/integrations';
import { ConnectionsUnavailableError } from '../../domain/errors';
import type { ConnectionChecker } from '../../ports/connection-checker';

export interface HttpConnectionCheckerConfig {
  /** The auth service's own address (not the gateway's). */
  AUTH_INTERNAL_URL: string;
  INTERNAL_SERVICE_TOKEN?: string;
  INTERNAL_SERVICE_TOKEN_FILE: string;
}

/**
 * The checker over auth's `POST /internal/connections/check`. The service token is read at the
 * first check (INTERNAL_SERVICE_TOKEN, else its file), so a catalog that cannot read it still
 * starts; until it can, publish and activation of steps naming a connection answer 503.
 */
export function httpConnectionChecker(
  config: HttpConnectionCheckerConfig,
  opts: { warn?: (message: string) => void; fetch?: typeof fetch } = {},
): ConnectionChecker {
  let client: Promise<ConnectionCheck> | undefined;
  const clientOf = () =>
    (client ??= loadInternalServiceToken(config, { warn: opts.warn }).then((serviceToken) =>
      httpConnectionCheck({ authUrl: config.AUTH_INTERNAL_URL, serviceToken, fetch: opts.fetch }),
    )).catch((err: Error) => {
      client = undefined;
      throw new ConnectionCheckUnavailableError(
        `the internal service token cannot be read: ${err.message}`,
      );
    });
  return {
    async check(ownerId, items) {
      try {
        return await (await clientOf()).check(ownerId, items);
      } catch (err) {
        if (err instanceof ConnectionCheckUnavailableError) {
          opts.warn?.(`connection check failed: ${err.message}`);
          throw new ConnectionsUnavailableError(err.message);
        }
        throw err;
      }
    },
  };
}
