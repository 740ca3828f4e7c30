import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { httpClient, type HttpAnswer, type Json } from '@flowgenie/testing';
import { startService } from '@flowgenie/testing/service';
import type { Logger } from '@flowgenie/platform';
import { authService, type AuthService } from '../src/compose';
import type { Config } from '../src/config';

/** A clock tests can move; offset 0 = real time. */
export class TestClock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
}

export interface TestAuth {
  url: string;
  config: Config;
  clock: TestClock;
  /** Every log line the service wrote, as JSON text. */
  logs: string[];
  service: AuthService;
  /** Runs SQL against the suite's database (schema `auth`). */
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<R[]>;
  stop(): Promise<void>;
}

/** Cheap argon2 so a suite of sign-ins stays fast; production uses the library defaults. */
const FAST_ARGON2 = { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1', ARGON2_PARALLELISM: '1' };
/** Suites sign many users up from one address; the test of the sign-up limit sets its own. */
const MANY_SIGNUPS = { SIGNUP_MAX_PER_IP: '10000' };
/** The web app's origin in tests: the refresh cookie is honoured from it only. */
export const APP_ORIGIN = 'https://app.flowgenie.test';

function memoryLogger(lines: string[]): Logger {
  return pino(
    { level: 'debug', base: { service: 'auth' } },
    { write: (line: string) => void lines.push(line) },
  );
}

/** The auth service's test settings (the issuer and audience are @flowgenie/testing's). */
const authTestEnv = (dataDir: string): Record<string, string> => ({
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  PUBLIC_BASE_URL: APP_ORIGIN,
  ...FAST_ARGON2,
  ...MANY_SIGNUPS,
});

/** The auth service on a fresh database, Redis prefix and data directory, over plain HTTP on a free port. */
export async function startAuth(
  label: string,
  env: Record<string, string> = {},
): Promise<TestAuth> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fg-auth-'));
  // Not created yet: the first boot makes the directory and the key file.
  const dataDir = path.join(tmp, 'data');
  const clock = new TestClock();
  const logs: string[] = [];
  const running = await startService(authService, `auth_${label}`, {
    env: { ...authTestEnv(dataDir), ...env },
    options: { logger: memoryLogger(logs), clock },
  }).catch(async (err: unknown) => {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  });
  const pool = new pg.Pool({ connectionString: running.database.url, max: 2 });
  return {
    url: running.url,
    config: running.config,
    clock,
    logs,
    service: running.host,
    query: async (text, values) => (await pool.query(text, values)).rows,
    async stop() {
      await pool.end();
      await running.close();
      await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}

export type { HttpAnswer };

/** JSON over HTTP with optional bearer token, cookie, Origin and forwarded client address. */
export async function call<T = Json>(
  base: string,
  method: string,
  urlPath: string,
  opts: {
    body?: unknown;
    rawBody?: string;
    token?: string;
    cookie?: string;
    ip?: string;
    origin?: string;
  } = {},
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  if (opts.origin) headers.origin = opts.origin;
  return httpClient(base)<T>(method, urlPath, {
    body: opts.body,
    rawBody: opts.rawBody,
    token: opts.token,
    headers,
  });
}

export const REFRESH_COOKIE = '__Host-fg_refresh';

/** The whole Set-Cookie header of the refresh cookie, if the answer set or cleared it. */
export function refreshCookieHeaderOf(answer: HttpAnswer): string | undefined {
  return answer.cookies.find((c) => c.startsWith(`${REFRESH_COOKIE}=`));
}

/** The refresh cookie's value in a response's Set-Cookie headers ('' when it was cleared). */
export function refreshCookieOf(answer: HttpAnswer): string | undefined {
  const header = refreshCookieHeaderOf(answer);
  return header === undefined
    ? undefined
    : decodeURIComponent(header.slice(REFRESH_COOKIE.length + 1).split(';')[0]);
}

let seq = 0;
/** A unique address per call so suites never share an account. */
export function anEmail(name = 'user'): string {
  seq += 1;
  return `${name}.${seq}.${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

/** Signs a new user up and returns the session answer's body. */
export async function signUp(base: string, email = anEmail(), password = PASSWORD) {
  const answer = await call(base, 'POST', '/auth/signup', { body: { email, password } });
  if (answer.status !== 201)
    throw new Error(`signup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { email, password, ...answer.body } as {
    email: string;
    password: string;
    user: { id: string; email: string; createdAt: string };
    accessToken: string;
    expiresIn: number;
    refreshToken: string;
  };
}
