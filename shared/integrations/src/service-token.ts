import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The service-to-service token for auth's internal endpoints: INTERNAL_SERVICE_TOKEN, else the
 * file INTERNAL_SERVICE_TOKEN_FILE, created 0600 with a random token when missing (of several
 * services creating it at once, one writes and all read the same). Node only.
 *
 * @example
 * const serviceToken = await loadInternalServiceToken(config);
 * const connections = httpConnectionAccess({ authUrl: config.AUTH_INTERNAL_URL, serviceToken });
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
