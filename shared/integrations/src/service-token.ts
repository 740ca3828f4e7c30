import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { httpConnectionAccess, type ConnectionAccess } from './connection-access';

/**
 * The service-to-service token for auth's internal endpoints, the one loader auth (which checks it),
 * the executor and the trigger service (which send it) share: INTERNAL_SERVICE_TOKEN, else the file
 * INTERNAL_SERVICE_TOKEN_FILE, created 0600 with a random token when missing. The file appears
 * whole (written aside, then linked into place), so of several services starting at once one
 * creates it and every one reads the same token, never an empty file. Node only.
 *
 * @example
 * const serviceToken = await loadInternalServiceToken(config);
 * const connections = httpConnectionAccess({ authUrl: config.AUTH_INTERNAL_URL, serviceToken });
 */
export async function loadInternalServiceToken(
  config: { INTERNAL_SERVICE_TOKEN?: string; INTERNAL_SERVICE_TOKEN_FILE: string },
  opts: { warn?: (message: string) => void } = {},
): Promise<string> {
  if (config.INTERNAL_SERVICE_TOKEN) return config.INTERNAL_SERVICE_TOKEN;
  const file = config.INTERNAL_SERVICE_TOKEN_FILE;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(aside, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  try {
    await fs.link(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(aside, { force: true });
  }
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0)
    opts.warn?.(`internal service token file ${file} is readable by other users; chmod 600 it`);
  const token = (await fs.readFile(file, 'utf8')).trim();
  if (token.length < 32)
    throw new Error(`internal service token file ${file} holds fewer than 32 characters`);
  return token;
}

/**
 * Auth's internal access endpoint with the service token; when the token cannot be read, the
 * access `unreadable` makes of the reason (each service refuses in its own way: the executor's
 * steps fail for good, the trigger service's polls record it and try again).
 *
 * @example
 * const access = await internalConnectionAccess(config, (reason) => refuseAll(reason));
 */
export async function internalConnectionAccess(
  config: {
    AUTH_INTERNAL_URL: string;
    INTERNAL_SERVICE_TOKEN?: string;
    INTERNAL_SERVICE_TOKEN_FILE: string;
  },
  unreadable: (reason: string) => ConnectionAccess,
  opts: { fetch?: typeof fetch } = {},
): Promise<ConnectionAccess> {
  let serviceToken: string;
  try {
    serviceToken = await loadInternalServiceToken(config);
  } catch (err) {
    return unreadable(`the internal service token could not be read (${(err as Error).message})`);
  }
  return httpConnectionAccess({
    authUrl: config.AUTH_INTERNAL_URL,
    serviceToken,
    fetch: opts.fetch,
  });
}
