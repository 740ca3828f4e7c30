import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { httpConnectionAccess, type ConnectionAccess } from '@flowgenie/integrations';
import type { Logger } from '@flowgenie/platform';
import { PermanentStepError } from '@flowgenie/workflow';

/**
 * The service-to-service token for auth's internal endpoints, read once at start:
 * INTERNAL_SERVICE_TOKEN, else the file INTERNAL_SERVICE_TOKEN_FILE, created 0600 with a random
 * token when missing (auth does the same; of two creating it at once, one writes, both read).
 */
export async function loadInternalServiceToken(config: {
  INTERNAL_SERVICE_TOKEN?: string;
  INTERNAL_SERVICE_TOKEN_FILE: string;
}): Promise<string> {
  if (config.INTERNAL_SERVICE_TOKEN) return config.INTERNAL_SERVICE_TOKEN;
  const file = config.INTERNAL_SERVICE_TOKEN_FILE;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(file, `${randomBytes(32).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const token = (await fs.readFile(file, 'utf8')).trim();
  if (token.length < 32)
    throw new Error(`internal service token file ${file} holds fewer than 32 characters`);
  return token;
}

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
): Promise<ConnectionAccess> {
  try {
    const serviceToken = await loadInternalServiceToken(config);
    return httpConnectionAccess({ authUrl: config.AUTH_INTERNAL_URL, serviceToken });
  } catch (err) {
    const reason = `connections are unavailable: the internal service token could not be read (${(err as Error).message})`;
    logger.error({ file: config.INTERNAL_SERVICE_TOKEN_FILE }, reason);
    const refuse = async (): Promise<never> => {
      throw new PermanentStepError(reason, { code: 'connections_unavailable' });
    };
    return { access: refuse, report: refuse };
  }
}
