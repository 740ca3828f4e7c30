/**
 * Secrets a process reads at boot instead of finding them in its environment (AWS Lambda has no
 * secret injection): the database credentials (`DATABASE_SECRET_ARN`, an RDS-managed secret with
 * `username` and `password`) and plain-string secrets (`INTERNAL_SERVICE_TOKEN_SECRET_ARN`,
 * `GOOGLE_CLIENT_SECRET_ARN`, `SLACK_CLIENT_SECRET_ARN`). Locally none of these is set and nothing
 * is read.
 */

import type { SecretReader } from './secret-reader';

export type { SecretReader };

/** How the database pool gets its password per new connection, so a rotated password is picked up. */
export interface DatabasePassword {
  /** The password for a new connection (cached; re-read after `rejected`). */
  password(): Promise<string>;
  /** The database refused the password (SQLSTATE 28P01): the next `password()` reads the secret again. */
  rejected(): void;
}

export interface ResolvedBootSecrets {
  /** The environment with DATABASE_USER / DATABASE_PASSWORD / INTERNAL_SERVICE_TOKEN filled in. */
  env: Record<string, string | undefined>;
  /** Set when the database password came from a secret: the pool asks it per connection. */
  database?: DatabasePassword;
}

const present = (v: string | undefined): v is string => v !== undefined && v !== '';

/** Variables that may instead be read from a Secrets Manager secret, and the variable naming it. */
export const PLAIN_SECRETS: Readonly<Record<string, string>> = {
  INTERNAL_SERVICE_TOKEN: 'INTERNAL_SERVICE_TOKEN_SECRET_ARN',
  GOOGLE_CLIENT_SECRET: 'GOOGLE_CLIENT_SECRET_ARN',
  SLACK_CLIENT_SECRET: 'SLACK_CLIENT_SECRET_ARN',
  SLACK_SIGNING_SECRET: 'SLACK_SIGNING_SECRET_ARN',
};

/**
 * Fills in the secrets named by ARN in `env`, reading each once (the reader caches). An explicit
 * value wins: DATABASE_URL or DATABASE_PASSWORD over DATABASE_SECRET_ARN, a value over
 * the ARN of its secret (PLAIN_SECRETS). `reader` defaults to Secrets Manager, whose SDK is loaded
 * only when a secret is named. A secret that cannot be read or parsed stops the boot, naming the
 * variable (never the value).
 *
 * @example
 * const { env, database } = await resolveBootSecrets(process.env);
 * const host = await createHost(def, def.loadConfig(env), { database });
 */
export async function resolveBootSecrets(
  env: Record<string, string | undefined>,
  reader?: SecretReader,
): Promise<ResolvedBootSecrets> {
  const dbArn =
    present(env.DATABASE_SECRET_ARN) &&
    !present(env.DATABASE_URL) &&
    !present(env.DATABASE_PASSWORD)
      ? env.DATABASE_SECRET_ARN
      : undefined;
  // Plain-string secrets, unless the value itself is set.
  const plain = Object.entries(PLAIN_SECRETS).filter(
    ([name, arnName]) => present(env[arnName]) && !present(env[name]),
  );
  if (!dbArn && plain.length === 0) return { env };

  const secrets = reader ?? (await defaultReader());
  const out: ResolvedBootSecrets = { env: { ...env } };
  if (dbArn) {
    const credentials = await readDatabaseSecret(secrets, dbArn);
    out.env.DATABASE_USER = credentials.username;
    out.env.DATABASE_PASSWORD = credentials.password;
    out.database = {
      password: async () => (await readDatabaseSecret(secrets, dbArn)).password,
      rejected: () => secrets.forget(dbArn),
    };
  }
  for (const [name, arnName] of plain) {
    out.env[name] = await readOrExplain(secrets, env[arnName]!, arnName);
  }
  return out;
}

async function readDatabaseSecret(
  secrets: SecretReader,
  arn: string,
): Promise<{ username: string; password: string }> {
  const raw = await readOrExplain(secrets, arn, 'DATABASE_SECRET_ARN');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || typeof password !== 'string' || !username || !password) {
    throw new Error(
      'DATABASE_SECRET_ARN: the secret is not JSON with a "username" and a "password" (as RDS writes it)',
    );
  }
  return { username, password };
}

async function readOrExplain(secrets: SecretReader, arn: string, name: string): Promise<string> {
  try {
    return await secrets.read(arn);
  } catch (err) {
    throw new Error(`${name}: could not read the secret: ${(err as Error).message}`);
  }
}

let shared: SecretReader | undefined;

/** One Secrets Manager reader per process, so a warm Lambda's cache outlives a failed boot. */
async function defaultReader(): Promise<SecretReader> {
  if (!shared) {
    const { SecretsManagerReader } = await import('./secrets-manager-reader');
    shared = SecretsManagerReader.fromEnv();
  }
  return shared;
}
