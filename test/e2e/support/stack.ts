import fs from 'node:fs';
import path from 'node:path';
import { Agent } from 'undici';
import {
  createTestDatabase,
  testRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '@flowgenie/testing';
import {
  deleteRedisPrefix,
  freePorts,
  startStack,
  type RunningStack,
  type StackMode,
  type StackPorts,
  type StartStackOptions,
} from '@flowgenie/local-dev';
import { GatewayClient } from './client';

const E2E_ROOT = path.resolve(__dirname, '..', '..', '..', '.data', 'e2e');

export interface E2eStack {
  stack: RunningStack;
  client: GatewayClient;
  /** Where this run's process logs are (kept after the run for diagnosis). */
  logDir: string;
  close(): Promise<void>;
}

/** Removes other runs' folders older than a day so .data/e2e does not grow forever. */
function pruneOldRuns(): void {
  if (!fs.existsSync(E2E_ROOT)) return;
  const cutoff = Date.now() - 24 * 3600_000;
  for (const entry of fs.readdirSync(E2E_ROOT)) {
    const p = path.join(E2E_ROOT, entry);
    if (fs.statSync(p).mtimeMs < cutoff) fs.rmSync(p, { recursive: true, force: true });
  }
}

function databaseParts(url: string, secretArn: string | undefined): Record<string, string> {
  if (!secretArn) return {};
  const parts = new URL(url);
  return {
    // Empty counts as unset: the URL is built from the parts and the secret's credentials.
    DATABASE_URL: '',
    DATABASE_HOST: parts.hostname,
    DATABASE_PORT: parts.port || '5432',
    DATABASE_NAME: parts.pathname.slice(1),
    DATABASE_SECRET_ARN: secretArn,
  };
}

/**
 * The whole platform through the same startStack the start command uses, on free ports, with a
 * fresh database and Redis prefix, reached through the gateway over HTTPS trusting the dev CA.
 */
export async function startE2eStack(
  label: string,
  env: Record<string, string> = {},
  opts: {
    /** Run the fake Google and Slack (free ports) and point the services at them: `stack.fakes`. */
    fakeProviders?: boolean;
    /** One process per service (the default here: the AWS shape), or all in one. */
    processes?: StackMode;
    /** Extra environment of single processes (startStack's `processEnv`). */
    processEnv?: StartStackOptions['processEnv'];
    /**
     * As on AWS: no DATABASE_URL, the database's host, port and name, and the credentials read at
     * boot from this Secrets Manager secret (DATABASE_SECRET_ARN).
     */
    databaseSecretArn?: string;
  } = {},
): Promise<E2eStack> {
  pruneOldRuns();
  const prefix = testRedisPrefix(label);
  const runDir = path.join(E2E_ROOT, prefix);
  const logDir = path.join(runDir, 'logs');
  const db: TestDatabase = await createTestDatabase(label);
  const [auth, catalog, trigger, execution, executor, gateway] = await freePorts(6);
  const ports: StackPorts = { auth, catalog, trigger, execution, executor, gateway };
  let stack: RunningStack;
  try {
    stack = await startStack({
      ports,
      databaseUrl: db.url,
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefix,
      logDir,
      dataDir: path.join(runDir, 'data'),
      quiet: true,
      // The suite may run beside every other test suite on a small machine.
      readyTimeoutMs: 120_000,
      env: {
        HTTP_ALLOW_LOOPBACK: 'true',
        ...env,
        ...databaseParts(db.url, opts.databaseSecretArn),
      },
      processEnv: opts.processEnv,
      fakeProviders: opts.fakeProviders ? { googlePort: 0, slackPort: 0 } : undefined,
      processes: opts.processes ?? 'split',
    });
  } catch (err) {
    await db.drop().catch(() => undefined);
    const lines = (err as { exit?: { lastLines: string[] } }).exit?.lastLines ?? [];
    throw new Error(`${(err as Error).message}\n${lines.join('\n')}\n(logs: ${logDir})`);
  }
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(stack.certs.caCert) } });
  return {
    stack,
    client: new GatewayClient(stack.urls.gateway, dispatcher),
    logDir,
    async close() {
      await stack.stop();
      await dispatcher.close();
      await db.drop();
      await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    },
  };
}
