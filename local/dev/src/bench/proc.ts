import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU and memory figures of processes, read from Linux's /proc (the bench runs on Linux only).
 * Parsing is kept pure (text in, numbers out) so it is unit-tested without a /proc.
 */

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat. */
export function parseProcStatTicks(text: string): number {
  // Field 2 (comm) is in parentheses and may hold spaces or parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`no utime/stime in /proc/<pid>/stat: ${text.slice(0, 80)}`);
  }
  return utime + stime;
}

/** Busy clock ticks of the whole machine (user+nice+system+irq+softirq+steal) from /proc/stat. */
export function parseMachineBusyTicks(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no aggregate "cpu " line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return user + nice + system + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
}

/** VmRSS in KiB from the text of /proc/<pid>/status (0 for a kernel thread or zombie). */
export function parseStatusRssKb(text: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) : 0;
}

const readOr = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
};

/** CPU ticks of one process (0 once it is gone). */
export function cpuTicks(pid: number): number {
  const text = readOr(`/proc/${pid}/stat`);
  return text ? parseProcStatTicks(text) : 0;
}

export function rssKb(pid: number): number {
  const text = readOr(`/proc/${pid}/status`);
  return text ? parseStatusRssKb(text) : 0;
}

export function machineBusyTicks(): number {
  return parseMachineBusyTicks(fs.readFileSync('/proc/stat', 'utf8'));
}

/** Pids whose command name (/proc/<pid>/comm) is exactly `name` (e.g. every `postgres`). */
export function pidsNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (readOr(`/proc/${entry}/comm`)?.trim() === name) pids.push(Number(entry));
  }
  return pids;
}

let hz: number | undefined;
/** Clock ticks per second (`getconf CLK_TCK`, 100 on nearly every Linux). */
export function clockTicksPerSecond(): number {
  if (hz === undefined) {
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      hz = 100;
    }
  }
  return hz;
}

/**
 * The database a Postgres backend serves, from its /proc/<pid>/cmdline (Postgres sets it to
 * `postgres: <cluster>: <user> <database> <host>(<port>) <state>`); undefined for the postmaster
 * and background processes (checkpointer, walwriter, autovacuum launcher…).
 */
export function postgresBackendDatabase(cmdline: string): string | undefined {
  const m = /^postgres: (?:\S+: )?\S+ (\S+) (?:\[local\]|[\d.:a-fA-F]+\(\d+\))/.exec(
    cmdline.replace(/\0/g, ' ').trim(),
  );
  return m?.[1];
}

/**
 * What a Postgres process is, from its command line: `backend` (a client's connection, born
 * during a cell or not), `autovacuum`, `walwriter`, `checkpointer`, `postmaster`… Used to split
 * Postgres's CPU, so a cost of connections being opened shows apart from the statements'.
 */
export function postgresKindOf(cmdline: string): string {
  const line = cmdline.replace(/\0/g, ' ').trim();
  if (postgresBackendDatabase(line) !== undefined) return 'backend';
  const m = /^postgres: (?:\S+: )?(.+)$/.exec(line);
  if (!m) return 'postmaster';
  return /^autovacuum/.test(m[1]) ? 'autovacuum' : m[1].replace(/\s+/g, ' ').trim();
}

export function postgresKind(pid: number): string {
  return postgresKindOf(readOr(`/proc/${pid}/cmdline`) ?? '');
}

/**
 * Every `postgres` process, except backends serving another database than `database` (other
 * checkouts' tests share the server): the postmaster and background processes stay in.
 * Without a database, every one.
 */
export function postgresPids(database?: string): number[] {
  return pidsNamed('postgres').filter((pid) => {
    if (!database) return true;
    const served = postgresBackendDatabase(readOr(`/proc/${pid}/cmdline`) ?? '');
    return served === undefined || served === database;
  });
}
