import {
  Kysely,
  PostgresDialect,
  Migrator,
  sql,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DatabasePassword } from './boot-secrets';
import type { Logger } from './logging';

// Postgres int8 (counts, bigint ids) as JS numbers: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export { sql };

/**
 * A Kysely instance on a pg pool whose connections use `schema` as their search_path, so each
 * service reads and writes only its own schema.
 *
 * @example
 * const db = createDb<AuthDb>({ url: config.DATABASE_URL, schema: 'auth' });
 */
export function createDb<DB>(opts: {
  url: string;
  schema: string;
  max?: number;
  logger?: Logger;
  /** The password per new connection (a rotated secret); the URL's password is ignored then. */
  password?: DatabasePassword;
  /** Prepare parameterised statements once per connection ({@link prepareStatements}). @default true */
  prepare?: boolean;
}): Kysely<DB> {
  const pool = new pg.Pool({
    ...connectionOf(opts.url, opts.password),
    max: opts.max ?? 10,
    options: `-c search_path=${quoteIdent(opts.schema)},public`,
    connectionTimeoutMillis: 5000,
  });
  if (opts.password) retryRefusedPassword(pool, opts.password, opts.logger);
  const onError = (err: Error) =>
    opts.logger?.warn({ err: err.message }, 'database connection lost');
  // A lost connection must never crash the process. pg-pool forwards an idle client's error to
  // the pool, but a checked-out client (inside a transaction, between two queries) emits 'error'
  // on itself: without a listener that is an unhandled 'error' event. The query in flight fails
  // instead, and the pool drops the broken client when it is released.
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    if (opts.prepare !== false) prepareStatements(client);
  });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Distinct statements one connection keeps prepared; past it, statements run unnamed. */
const PREPARED_PER_CONNECTION = 200;
/**
 * Longest statement text prepared. Longer ones are batches whose text grows with their rows (500
 * schedule firings at once): each size is its own statement, rarely run twice, and its text would
 * sit in the name cache below.
 */
const PREPARED_TEXT_MAX = 8 * 1024;
/** Statement names by text, shared by every pool of the process (bounded). */
const statementNames = new Map<string, string>();
const STATEMENT_NAMES_KEPT = 2000;

type QueryFn = (...args: unknown[]) => unknown;

/**
 * Runs each parameterised statement as a named (prepared) statement of its connection, named by
 * its text's hash: Postgres parses and plans it once per connection instead of on every call
 * (the hot path's CTEs spent more of Postgres's CPU there than in their writes). Statements
 * without parameters (BEGIN, COMMIT, migration scripts) or longer than {@link PREPARED_TEXT_MAX}
 * go as they are. A connection prepares at most {@link PREPARED_PER_CONNECTION} statements (texts
 * built with a varying number of values would otherwise grow without bound) and runs the rest
 * unnamed.
 *
 * A migration that changes a table's columns while a connection holds `select *` prepared makes
 * Postgres refuse it ("cached plan must not change result type", as in a rolling deploy): the
 * statement is then forgotten, prepared afresh next time, and outside a transaction run again
 * unnamed at once, so the caller never sees it.
 */
export function prepareStatements(client: pg.PoolClient | pg.Client): void {
  // The class's method, looked up per call (a test counting statements patches the prototype).
  const proto = Object.getPrototypeOf(client) as { query: QueryFn };
  const query: QueryFn = (...args) => proto.query.apply(client, args);
  // Names only: a statement's name is its text's hash (statementName), so no text is kept here.
  const prepared = new Set<string>();
  // A text whose plan Postgres refused after a migration, with its new name (rare).
  const renamed = new Map<string, string>();
  let generation = 0;
  let inTransaction = false;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values, callback] = args;
    if (typeof text !== 'string') return query(...args);
    if (!Array.isArray(values) || values.length === 0) {
      if (/^\s*(begin|start transaction)\b/i.test(text)) inTransaction = true;
      else if (/^\s*(commit|rollback|end|abort)\s*$/i.test(text)) inTransaction = false;
      return query(...args);
    }
    if (typeof callback === 'function' || text.length > PREPARED_TEXT_MAX) return query(...args);
    const name = renamed.get(text) ?? statementName(text);
    if (!prepared.has(name)) {
      if (prepared.size >= PREPARED_PER_CONNECTION) return query(...args);
      prepared.add(name);
    }
    return (query({ name, text, values }) as Promise<unknown>).catch((err: unknown) => {
      if (!resultTypeChanged(err)) throw err;
      // The refused name stays allocated on the server (pg cannot drop it mid-transaction): a new one.
      generation += 1;
      renamed.set(text, `${statementName(text)}_${generation}`);
      if (inTransaction) throw err;
      return query(text, values);
    });
  };
}

function resultTypeChanged(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `fg_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (statementNames.size < STATEMENT_NAMES_KEPT) statementNames.set(text, name);
  }
  return name;
}

/** SQLSTATE invalid_password: the server refused the password (e.g. it was rotated). */
const INVALID_PASSWORD = '28P01';

/**
 * The pool's connection settings. With a password source, the URL is split into its parts: a
 * connection string would override the password function with its own (absent) password.
 */
function connectionOf(url: string, password?: DatabasePassword): pg.PoolConfig {
  if (!password) return { connectionString: url };
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    password: () => password.password(),
    ssl: sslOf(u),
  };
}

function sslOf(u: URL): pg.PoolConfig['ssl'] {
  const mode = u.searchParams.get('sslmode');
  if (!mode || mode === 'disable') return undefined;
  return mode === 'no-verify' ? { rejectUnauthorized: false } : true;
}

/**
 * When a new connection is refused for its password, the secret is read again and the connection
 * tried once more: after a rotation no request fails, only the first connection waits for the read.
 */
function retryRefusedPassword(pool: pg.Pool, source: DatabasePassword, logger?: Logger): void {
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const refused = (err: unknown) => (err as { code?: string }).code === INVALID_PASSWORD;
  (pool as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    try {
      return await connect();
    } catch (err) {
      if (!refused(err)) throw err;
      logger?.warn('database refused the password: reading the secret again');
      source.rejected();
      return connect();
    }
  };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
}

/** Creates the database named in `url` if it does not exist (connecting to the `postgres` db). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 5000,
  });
  client.on('error', () => undefined); // a failure surfaces as the rejected query below
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database ${quoteIdent(name)}`);
      } catch (err) {
        // Two services booting together may race; the loser sees duplicate_database.
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

/** Migrations of one service, named by timestamp so their order is their name order. */
export type Migrations = Record<string, Migration>;

/**
 * Creates the schema and runs every pending migration of a service inside it. The migration
 * bookkeeping tables live in the same schema, so services never share them.
 */
export async function runMigrations(
  db: Kysely<unknown>,
  schema: string,
  migrations: Migrations,
): Promise<void> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(
      `migration ${failed?.migrationName ?? ''} of schema ${schema} failed: ${String((error as Error)?.message ?? error)}`,
    );
  }
}

/**
 * A service's database, ready to use: creates the database if missing, opens the pool
 * ({@link createDb}) and runs the pending migrations of `schema`; the pool is closed again when
 * they fail.
 *
 * @example
 * const db = await openMigratedDb<CatalogDb>({ url: config.DATABASE_URL, schema: CATALOG_SCHEMA, migrations });
 */
export async function openMigratedDb<DB>(opts: {
  url: string;
  schema: string;
  migrations: Migrations;
  max?: number;
  logger?: Logger;
  password?: DatabasePassword;
}): Promise<Kysely<DB>> {
  await ensureDatabase(opts.url);
  const db = createDb<DB>(opts);
  try {
    await runMigrations(db as unknown as Kysely<unknown>, opts.schema, opts.migrations);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

/** Readiness check: one round trip to the database. */
export async function pingDb(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db);
}
