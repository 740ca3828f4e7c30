import type { PeerRow } from './peer';
import type { CpuUsage } from './resources';

/** Markdown tables of the bench's CPU, memory and peer figures (pure: figures in, text out). */

export const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

/** The nearest-rank `p`th percentile of ascending `sorted` (NaN when empty). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
    : NaN;

export function markdownTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export interface CpuRow {
  mode: string;
  concurrency: number;
  /** Acknowledged executions of the cell (the divisor). */
  executions: number;
  usage: CpuUsage;
}

/** CPU ms per acknowledged execution, one column per process, then the total and the noise. */
export function cpuTable(rows: CpuRow[], processes: string[]): string {
  const head = [
    'mode',
    'concurrency',
    'executions',
    ...processes,
    'total CPU ms / execution',
    'load generator ms / execution',
    'measured s',
    'other CPU %',
  ];
  return markdownTable(
    head,
    rows.map((r) => {
      const per = (ms: number) => fmt(r.executions > 0 ? ms / r.executions : NaN, 2);
      return [
        r.mode,
        String(r.concurrency),
        String(r.executions),
        ...processes.map((p) => per(r.usage.ms[p] ?? NaN)),
        per(r.usage.totalMs),
        per(r.usage.loadGeneratorMs),
        fmt(r.usage.wallMs / 1000),
        fmt(r.usage.otherPct, 0),
      ];
    }),
  );
}

/** Postgres's CPU ms per acknowledged execution split by kind of process, one row per cell. */
export function postgresKindTable(rows: CpuRow[]): string {
  const kinds = [...new Set(rows.flatMap((r) => Object.keys(r.usage.postgresByKind ?? {})))].sort();
  return markdownTable(
    ['mode', 'concurrency', ...kinds],
    rows.map((r) => [
      r.mode,
      String(r.concurrency),
      ...kinds.map((k) =>
        fmt(r.executions > 0 ? (r.usage.postgresByKind?.[k] ?? 0) / r.executions : NaN, 2),
      ),
    ]),
  );
}

/** RSS (MiB) of each process idle (before load) and at its peak during the cells. */
export function memoryTable(
  idle: Record<string, number>,
  peak: Record<string, number>,
  peakTotal: number,
  infra: { idle: Record<string, number>; peak: Record<string, number> },
): string {
  const names = Object.keys(idle);
  const rows = names.map((n) => [n, fmt(idle[n], 0), fmt(peak[n], 0)]);
  const idleTotal = names.reduce((s, n) => s + idle[n], 0);
  rows.push(['**all FlowGenie processes**', fmt(idleTotal, 0), fmt(peakTotal, 0)]);
  for (const n of Object.keys(infra.idle)) {
    rows.push([`${n} (shared)`, fmt(infra.idle[n], 0), fmt(infra.peak[n], 0)]);
  }
  return markdownTable(['process', 'idle RSS MiB', 'peak RSS MiB'], rows);
}

export interface FlowGenieCellSummary {
  variant: 'sync' | 'async';
  concurrency: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerExecution: number;
  drainMs: number;
  /** Acknowledged executions not finished when the load stopped (immediately mode's backlog). */
  backlog: number;
  otherPct: number;
}

/**
 * Executions finished per second once the load stopped: FlowGenie's backlog over its drain time
 * (NaN without a backlog). The peer runs its executions as it answers, so its rate is what it
 * completed over the load and its drain together.
 */
export function drainRates(
  ours: Pick<FlowGenieCellSummary, 'backlog' | 'drainMs'>,
  peer?: Pick<PeerRow, 'completed' | 'rps' | 'drainMs'>,
): { ours: number; peer: number } {
  const oursRate =
    ours.backlog > 0 && ours.drainMs > 0 ? ours.backlog / (ours.drainMs / 1000) : NaN;
  const peerSeconds = peer ? peer.completed / peer.rps + peer.drainMs / 1000 : NaN;
  return { ours: oursRate, peer: peer && peerSeconds > 0 ? peer.completed / peerSeconds : NaN };
}

/** FlowGenie beside the peer, cell by cell (sync = respond_node, async = immediately). */
export function comparisonTable(
  peerName: string,
  ours: FlowGenieCellSummary[],
  peer: PeerRow[],
): string {
  const rows: string[][] = [];
  for (const o of ours) {
    const p = peer.find((r) => r.variant === o.variant && r.concurrency === o.concurrency);
    const rates = drainRates(o, p);
    rows.push([
      o.variant,
      String(o.concurrency),
      fmt(o.rps, 0),
      fmt(p?.rps, 0),
      p ? fmt(o.rps / p.rps, 2) : '–',
      `${fmt(o.p50Ms)} / ${fmt(p?.p50Ms)}`,
      `${fmt(o.p99Ms)} / ${fmt(p?.p99Ms)}`,
      `${fmt(o.cpuMsPerExecution, 2)} / ${fmt(p?.cpuMsPerRequest, 2)}`,
      `${fmt(o.drainMs, 0)} / ${fmt(p?.drainMs, 0)}`,
      `${fmt(rates.ours, 0)} / ${fmt(rates.peer, 0)}`,
      `${fmt(o.otherPct, 0)} / ${fmt(p?.otherPct, 0)}`,
    ]);
  }
  return markdownTable(
    [
      'variant',
      'concurrency',
      'FlowGenie req/s',
      `${peerName} req/s`,
      'ratio (FlowGenie / peer)',
      'p50 ms (FlowGenie / peer)',
      'p99 ms (FlowGenie / peer)',
      'CPU ms / request (FlowGenie / peer)',
      'drain ms after load (FlowGenie / peer)',
      'executions/s draining (FlowGenie backlog ÷ drain / peer completed ÷ (load + drain))',
      'other CPU % (FlowGenie / peer)',
    ],
    rows,
  );
}
