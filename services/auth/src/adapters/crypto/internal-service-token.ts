import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * The service-to-service token: INTERNAL_SERVICE_TOKEN, else the file INTERNAL_SERVICE_TOKEN_FILE
 * (default `<DATA_DIR>/internal.token`), created 0600 with a random token when missing so one
 * machine's services share it without setup.
 */
export async function loadInternalServiceToken(
  config: {
    INTERNAL_SERVICE_TOKEN?: string;
    INTERNAL_SERVICE_TOKEN_FILE?: string;
    DATA_DIR: string;
  },
  opts: { warn?: (message: string) => void } = {},
): Promise<string> {
  if (config.INTERNAL_SERVICE_TOKEN) return config.INTERNAL_SERVICE_TOKEN;
  const file = config.INTERNAL_SERVICE_TOKEN_FILE ?? path.join(config.DATA_DIR, 'internal.token');
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // `wx`: of two processes creating it at once, one writes and the other reads it.
    await fs.writeFile(file, `${randomBytes(32).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = await fs.stat(file);
  if ((stat.mode & 0o077) !== 0)
    opts.warn?.(`internal service token file ${file} is readable by other users; chmod 600 it`);
  const token = (await fs.readFile(file, 'utf8')).trim();
  if (token.length < 32)
    throw new Error(`internal service token file ${file} holds fewer than 32 characters`);
  return token;
}
