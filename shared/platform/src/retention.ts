import { sql, type QueryExecutorProvider } from 'kysely';
import type { Logger } from './logging';

/** A table whose rows are deleted once `timeColumn` is older than `keepMs` (null: kept). */
export interface RetainedTable {
  table: string;
  /** Indexed: the rows past their retention are found through it, oldest first. */
  timeColumn: string;
  keepMs: number;
  /** Rows deleted by one statement (fewer where a row takes others with it). @default 5,000 */
  rowsPerStatement?: number;
}

/** Rows deleted by one statement: a short lock and a short transaction each. */
const ROWS_PER_STATEMENT = 5_000;
/** The first prune after a start, at the latest. */
const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * Deletes the rows of some tables once they are past their retention: on a timer of the process
 * (a minute after its start, then every `everyMs`; in a Lambda, while the function runs), 5,000
 * rows to a statement, oldest first. Several processes of one service prune side by side: rows
 * another one is deleting are skipped.
 *
 * @example
 * const retention = new TableRetention({ db, logger, what: 'firings',
 *   tables: [{ table: 'firings', timeColumn: 'created_at', keepMs: 30 * 86_400_000 }] });
 * retention.start();
 * await retention.stop();
 */
export class TableRetention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** Set by stop(): a long prune (a first one clearing a backlog) ends between statements. */
  private stopping = false;

  constructor(
    private readonly opts: {
      /** A service's database (its schema's search path finds the tables). */
      db: QueryExecutorProvider;
      logger: Logger;
      tables: RetainedTable[];
      /** What the tables hold, in its log lines. */
      what: string;
      /** How often the tables are pruned. @default 10 minutes */
      everyMs?: number;
    },
  ) {}

  start(): void {
    if (this.timer || this.stopping) return;
    const everyMs = this.opts.everyMs ?? 10 * 60_000;
    const run = () => {
      this.running ??= this.prune()
        .catch((err: unknown) =>
          this.opts.logger.warn(
            { err: (err as Error).message },
            `${this.opts.what} retention failed; will retry`,
          ),
        )
        .finally(() => (this.running = undefined));
    };
    // The first prune soon after the start (a Lambda lives minutes, not always ten), then on the period.
    this.timer = setTimeout(
      () => {
        run();
        this.timer = setInterval(run, everyMs);
        this.timer.unref();
      },
      Math.min(everyMs, FIRST_PRUNE_AFTER_MS),
    );
    // Housekeeping never keeps a process alive.
    this.timer.unref();
  }

  /** Stops the timer; a prune under way stops after its current statement. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer); // the first timeout, or the interval after it
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what is past its retention now; returns how many rows, by table. */
  async prune(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {};
    for (const t of this.opts.tables) deleted[t.table] = await this.pruneTable(t);
    if (Object.values(deleted).some((n) => n > 0))
      this.opts.logger.info(deleted, `${this.opts.what} past their retention deleted`);
    return deleted;
  }

  private async pruneTable(t: RetainedTable): Promise<number> {
    const table = sql.table(t.table);
    const time = sql.ref(t.timeColumn);
    const limit = t.rowsPerStatement ?? ROWS_PER_STATEMENT;
    let total = 0;
    for (;;) {
      // By physical row id: one statement finds, locks and deletes a batch, whatever the key.
      const { rows } = await sql<{ n: number }>`
        with deleted as (
          delete from ${table} where ctid = any(array(
            select ctid from ${table}
            where ${time} < now() - make_interval(secs => ${t.keepMs / 1000})
            order by ${time} limit ${limit} for update skip locked))
          returning 1)
        select count(*)::int as n from deleted`.execute(this.opts.db);
      const n = rows[0]?.n ?? 0;
      total += n;
      if (n < limit || this.stopping) return total;
    }
  }
}
