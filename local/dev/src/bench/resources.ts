import { cpuTicks, machineBusyTicks, pidsNamed, postgresKind, postgresPids, rssKb } from './proc';

/**
 * CPU and memory of the stack under load: CPU ticks of each FlowGenie process, of Postgres (its
 * background processes and the backends of the stack's database) and of `redis-server`, read
 * before and after a cell, and RSS sampled while it runs. Redis and Postgres's background
 * processes are shared with whatever else uses them on the machine (other checkouts' tests).
 */

export const POSTGRES = 'postgres';
export const REDIS = 'redis';

export interface CpuSnapshot {
  /** Ticks per measured FlowGenie process, by name. */
  ticks: Record<string, number>;
  /**
   * Ticks of groups of processes that come and go (`postgres` backends, `redis`), per pid: a
   * group's use is the sum of each pid's own growth, so a backend that exits mid-cell cannot turn
   * the group's sum negative (its ticks in the cell are lost, a small undercount).
   */
  groups?: Record<string, Record<number, number>>;
  /** What each Postgres pid is (backend, autovacuum, walwriter…), for the split of its CPU. */
  postgresKinds?: Record<number, string>;
  machineBusy: number;
  /** This process's own CPU (the load generator), in microseconds. */
  selfMicros: number;
  at: number;
}

export interface CpuUsage {
  /** CPU milliseconds per measured process over the interval. */
  ms: Record<string, number>;
  totalMs: number;
  /** Postgres's CPU milliseconds by kind of process (backend, autovacuum, walwriter…). */
  postgresByKind?: Record<string, number>;
  /** CPU ms the load generator (this process) used. */
  loadGeneratorMs: number;
  /** Busy share of all cores used by anything else on the machine, in % (noise indicator). */
  otherPct: number;
  wallMs: number;
}

export class ResourceMeter {
  constructor(
    /** The FlowGenie processes by name (re-read every time: a restarted process gets a new pid). */
    private readonly processes: () => Record<string, number | undefined>,
    /** The stack's database: other databases' backends (other checkouts' tests) are left out. */
    private readonly database?: string,
  ) {}

  snapshot(): CpuSnapshot {
    const ticks: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.processes())) {
      ticks[name] = pid ? cpuTicks(pid) : 0;
    }
    // The postmaster, background workers and this database's backends: backends come and go.
    const perPid = (pids: number[]) => Object.fromEntries(pids.map((pid) => [pid, cpuTicks(pid)]));
    const postgres = postgresPids(this.database);
    const groups = {
      [POSTGRES]: perPid(postgres),
      [REDIS]: perPid(pidsNamed('redis-server')),
    };
    const self = process.cpuUsage();
    return {
      ticks,
      groups,
      postgresKinds: Object.fromEntries(postgres.map((pid) => [pid, postgresKind(pid)])),
      machineBusy: machineBusyTicks(),
      selfMicros: self.user + self.system,
      at: Date.now(),
    };
  }

  /** Current RSS in MiB of each FlowGenie process. */
  rssMiB(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.processes())) {
      out[name] = pid ? rssKb(pid) / 1024 : 0;
    }
    return out;
  }

  /** Postgres (every process) and Redis RSS in MiB; Postgres's shared buffers count once per process. */
  infraRssMiB(): Record<string, number> {
    return {
      [POSTGRES]: postgresPids(this.database).reduce((s, p) => s + rssKb(p), 0) / 1024,
      [REDIS]: pidsNamed('redis-server').reduce((s, p) => s + rssKb(p), 0) / 1024,
    };
  }

  /** Samples RSS every `everyMs` until stopped; returns the peak per process and of their sum. */
  sampleRss(everyMs = 500): { stop(): { peak: Record<string, number>; peakTotal: number } } {
    const peak: Record<string, number> = {};
    let peakTotal = 0;
    const sample = () => {
      const now = this.rssMiB();
      let total = 0;
      for (const [name, mib] of Object.entries(now)) {
        peak[name] = Math.max(peak[name] ?? 0, mib);
        total += mib;
      }
      peakTotal = Math.max(peakTotal, total);
    };
    sample();
    const timer = setInterval(sample, everyMs);
    return {
      stop: () => {
        clearInterval(timer);
        sample();
        return { peak, peakTotal };
      },
    };
  }
}

/** Pure: CPU use between two snapshots. */
export function cpuUsage(
  before: CpuSnapshot,
  after: CpuSnapshot,
  hz: number,
  cores: number,
): CpuUsage {
  const ms: Record<string, number> = {};
  let totalMs = 0;
  for (const name of Object.keys(after.ticks)) {
    // A process restarted mid-cell reads lower after than before: count what the new one used.
    const delta = after.ticks[name] - (before.ticks[name] ?? 0);
    const used = ((delta >= 0 ? delta : after.ticks[name]) * 1000) / hz;
    ms[name] = used;
    totalMs += used;
  }
  const postgresByKind: Record<string, number> = {};
  for (const [name, pids] of Object.entries(after.groups ?? {})) {
    const earlier = before.groups?.[name] ?? {};
    let delta = 0;
    // A pid new in the cell counts whole; one that reads lower is a reused pid: what it used.
    for (const [pid, now] of Object.entries(pids)) {
      const was = earlier[Number(pid)] ?? 0;
      const used = now >= was ? now - was : now;
      delta += used;
      const kind = name === POSTGRES ? after.postgresKinds?.[Number(pid)] : undefined;
      if (kind) postgresByKind[kind] = (postgresByKind[kind] ?? 0) + (used * 1000) / hz;
    }
    ms[name] = (delta * 1000) / hz;
    totalMs += ms[name];
  }
  const loadGeneratorMs = (after.selfMicros - before.selfMicros) / 1000;
  const busyMs = ((after.machineBusy - before.machineBusy) * 1000) / hz;
  const wallMs = Math.max(1, after.at - before.at);
  const otherMs = Math.max(0, busyMs - totalMs - loadGeneratorMs);
  return {
    ms,
    totalMs,
    postgresByKind,
    loadGeneratorMs,
    otherPct: (otherMs * 100) / (wallMs * cores),
    wallMs,
  };
}
