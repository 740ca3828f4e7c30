import {
  internalConnectionAccess as internalAccess,
  type ConnectionAccess,
} from '@flowgenie/integrations';
import type { Logger } from '@flowgenie/platform';
import { PermanentStepError } from '@flowgenie/workflow';

/**
 * Auth's internal access endpoint with the service token. Without a readable token the executor
 * still starts (workflows without connections run); steps that need a connection fail for good
 * saying why.
 */
export async function internalConnectionAccess(
  config: {
    AUTH_INTERNAL_URL: string;
    INTERNAL_SERVICE_TOKEN?: string;
    INTERNAL_SERVICE_TOKEN_FILE: string;
  },
  logger: Logger,
  opts: { fetch?: typeof fetch } = {},
): Promise<ConnectionAccess> {
  return internalAccess(
    config,
    (problem) => {
      const reason = `connections are unavailable: ${problem}`;
      logger.error({ file: config.INTERNAL_SERVICE_TOKEN_FILE }, reason);
      const refuse = async (): Promise<never> => {
        throw new PermanentStepError(reason, { code: 'connections_unavailable' });
      };
      return { access: refuse, report: refuse };
    },
    opts,
  );
}
