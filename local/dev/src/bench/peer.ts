import { spawn } from 'node:child_process';
import fs from 'node:fs';

/**
 * The n8n peer (`BENCH_PEER=n8n`): runs ../shared/peers/n8n-bench.sh with the same cell length
 * and concurrencies right after FlowGenie's cells and reads its markdown table back.
 */

export interface PeerRow {
  variant: 'sync' | 'async';
  concurrency: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  completed: number;
  /** "other CPU %" during the cell (the machine's noise). */
  otherPct: number;
  peakRssTreeMiB: number;
  /** Time after the load stopped until every execution was persisted. */
  drainMs: number;
}

export interface PeerResult {
  version: string;
  rows: PeerRow[];
  idleRssMiB?: number;
  /** The script's whole summary (markdown), reprinted as-is. */
  summary: string;
}

const num = (s: string | undefined): number => {
  const n = Number((s ?? '').trim());
  return Number.isFinite(n) ? n : NaN;
};

/** Parses n8n-bench.sh's summary: its table is found by its header, columns by their names. */
export function parseN8nSummary(text: string): PeerResult {
  const lines = text.split('\n');
  const headerAt = lines.findIndex((l) => /^\|\s*peer\s*\|\s*variant\s*\|/.test(l));
  if (headerAt < 0) throw new Error('no "| peer | variant | …" table in the n8n bench output');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim());
  const header = cells(lines[headerAt]);
  const col = (name: string) => {
    const i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0)
      throw new Error(`the n8n table has no "${name}" column (columns: ${header.join(', ')})`);
    return i;
  };
  const idx = {
    peer: col('peer'),
    variant: col('variant'),
    conc: col('conc'),
    rps: col('req/s'),
    p50: col('p50 ms'),
    p99: col('p99 ms'),
    completed: col('completed'),
    cpu: col('CPU ms/req'),
    rss: col('peak RSS tree MiB'),
    drain: col('drain ms'),
    other: col('other CPU % before / during'),
  };
  const rows: PeerRow[] = [];
  let version = '';
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.startsWith('|')) break;
    const c = cells(line);
    const variant = c[idx.variant];
    if (variant !== 'sync' && variant !== 'async') continue;
    version ||= c[idx.peer];
    rows.push({
      variant,
      concurrency: num(c[idx.conc]),
      rps: num(c[idx.rps]),
      p50Ms: num(c[idx.p50]),
      p99Ms: num(c[idx.p99]),
      cpuMsPerRequest: num(c[idx.cpu]),
      completed: num(c[idx.completed]),
      otherPct: num(c[idx.other].split('/').pop()),
      peakRssTreeMiB: num(c[idx.rss]),
      drainMs: num(c[idx.drain]),
    });
  }
  const idle = /RSS idle after start: (\d+) MiB/.exec(text);
  const start = lines.findIndex((l) => l.startsWith('### n8n'));
  return {
    version,
    rows,
    idleRssMiB: idle ? Number(idle[1]) : undefined,
    summary: lines.slice(start >= 0 ? start : headerAt).join('\n'),
  };
}

/**
 * Runs the peer script (its progress goes to stderr) and parses its table. Returns a reason
 * instead when the script is missing or fails, so the FlowGenie figures are still printed.
 */
export async function runN8nPeer(opts: {
  script: string;
  seconds: number;
  concurrency: number[];
  log: (m: string) => void;
}): Promise<PeerResult | { skipped: string }> {
  if (!fs.existsSync(opts.script)) {
    return {
      skipped: `n8n peer script not found at ${opts.script} (set BENCH_PEER_SCRIPT to n8n-bench.sh of the shared peers folder)`,
    };
  }
  const env = {
    ...process.env,
    DURATION: String(opts.seconds),
    CONCS: opts.concurrency.join(' '),
    // One cold start is enough here: the bench reads the cells, not the start times.
    COLD_STARTS: process.env.COLD_STARTS ?? '1',
  };
  opts.log(`running the n8n peer: ${opts.script} (DURATION=${env.DURATION} CONCS="${env.CONCS}")`);
  const child = spawn('bash', [opts.script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    process.stderr.write(chunk.replace(/^/gm, '  [n8n] '));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    process.stderr.write(chunk.replace(/^/gm, '  [n8n] '));
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) return { skipped: `the n8n peer script exited with code ${code}` };
  try {
    return parseN8nSummary(out);
  } catch (err) {
    return { skipped: (err as Error).message };
  }
}
