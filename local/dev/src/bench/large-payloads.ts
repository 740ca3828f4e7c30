import pg from 'pg';
import { request, type Agent } from 'undici';
import type { ResourceMeter } from './resources';
import { fmt, percentile } from './report';
import { cpuUsage, POSTGRES, REDIS, type CpuUsage } from './resources';

/**
 * The large-payload cell (BENCH_LARGE_PAYLOADS=1): a sustained stream of ~10 MB webhook bodies
 * into webhook (immediately) → transform (reads fields of the body), with the RSS of every
 * FlowGenie process, Postgres and Redis sampled before, during and after. Payloads above
 * PAYLOAD_INLINE_MAX_BYTES are stored once (claim check) and travel by reference: memory should
 * rise while bodies are in flight and come back once they are done.
 */

export interface LargePayloadOptions {
  seconds: number;
  concurrency: number;
  /** Body size in MiB (at most HOOK_BODY_LIMIT_BYTES). */
  mib: number;
  /** Seconds sampled after the executions finished. */
  afterSeconds: number;
  base: string;
  dispatcher: Agent;
  databaseUrl: string;
  activate: (graph: unknown) => Promise<{ id: string; hookPath: string }>;
  meter: ResourceMeter;
  hz: number;
  cores: number;
  log: (m: string) => void;
}

export interface RssSample {
  /** Seconds since the first sample. */
  t: number;
  phase: 'before' | 'load' | 'drain' | 'after';
  flowgenie: number;
  postgres: number;
  redis: number;
}

export interface LargePayloadResult {
  bodyBytes: number;
  seconds: number;
  concurrency: number;
  sent: number;
  acknowledged: number;
  errors: Record<string, number>;
  succeeded: number;
  failed: number;
  unfinished: number;
  drainSeconds: number;
  latencyP50: number;
  latencyP99: number;
  samples: RssSample[];
  usage: CpuUsage;
  /** Stored payload rows and their bytes at the end (one per acknowledged call expected). */
  stored: { rows: number; mib: number };
  /** The largest event/job/step row that refers to the payload (bytes): a copy would be ~the body. */
  largestRow: { outbox: number; steps: number };
}

/** ~`mib` MiB of JSON: 50 items of text, and a marker in front that differs per call. */
export function largeBody(mib: number): (marker: number) => Buffer {
  const text = 'x'.repeat(Math.floor((mib * 1024 * 1024) / 50) - 40);
  const items = Buffer.from(
    JSON.stringify(Array.from({ length: 50 }, (_, k) => ({ id: `item-${k}`, text }))),
  );
  return (marker) =>
    Buffer.concat([Buffer.from(`{"marker":${marker},"items":`), items, Buffer.from('}')]);
}

export function largePayloadGraph() {
  return {
    nodes: [
      {
        id: 'hook',
        type: 'webhook',
        config: { method: 'POST', responseMode: 'immediately' },
        position: { x: 0, y: 0 },
      },
      {
        id: 'sum',
        type: 'transform',
        config: {
          expression:
            '{{ { "count": $count(trigger.body.items), "last": trigger.body.items[-1].id, "marker": trigger.body.marker } }}',
        },
        position: { x: 240, y: 0 },
      },
    ],
    edges: [{ id: 'e1', source: 'hook', sourceHandle: 'main', target: 'sum' }],
  };
}

/** Summary of the samples of one phase: mean and max of each series. */
export function phaseSummary(samples: RssSample[], phase: RssSample['phase']) {
  const of = samples.filter((s) => s.phase === phase);
  const stat = (k: 'flowgenie' | 'postgres' | 'redis') => {
    if (!of.length) return { mean: NaN, max: NaN, last: NaN };
    const v = of.map((s) => s[k]);
    return {
      mean: v.reduce((a, b) => a + b, 0) / v.length,
      max: Math.max(...v),
      last: v[v.length - 1],
    };
  };
  return {
    n: of.length,
    flowgenie: stat('flowgenie'),
    postgres: stat('postgres'),
    redis: stat('redis'),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLargePayloadCell(o: LargePayloadOptions): Promise<LargePayloadResult> {
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  try {
    const wf = await o.activate(largePayloadGraph());
    const body = largeBody(o.mib);
    const bodyBytes = body(0).length;
    const samples: RssSample[] = [];
    let phase: RssSample['phase'] = 'before';
    const t0 = Date.now();
    const sample = () => {
      const fg = Object.values(o.meter.rssMiB()).reduce((a, b) => a + b, 0);
      const infra = o.meter.infraRssMiB();
      samples.push({
        t: (Date.now() - t0) / 1000,
        phase,
        flowgenie: fg,
        postgres: infra[POSTGRES],
        redis: infra[REDIS],
      });
    };
    sample();
    const timer = setInterval(sample, 1000);
    try {
      o.log(`large payloads: ${(bodyBytes / 1024 / 1024).toFixed(1)} MiB bodies, baseline 5 s…`);
      await sleep(5000);
      phase = 'load';
      const before = o.meter.snapshot();
      const latencies: number[] = [];
      const errors: Record<string, number> = {};
      let sent = 0;
      let acknowledged = 0;
      const end = Date.now() + o.seconds * 1000;
      const started = Date.now();
      const worker = async () => {
        while (Date.now() < end) {
          const marker = sent++;
          const t = performance.now();
          try {
            const res = await request(`${o.base}${wf.hookPath}`, {
              method: 'POST',
              dispatcher: o.dispatcher,
              headers: { 'content-type': 'application/json' },
              body: body(marker),
              headersTimeout: 120_000,
              bodyTimeout: 120_000,
            });
            await res.body.text();
            latencies.push(performance.now() - t);
            if (res.statusCode === 202) acknowledged += 1;
            else errors[String(res.statusCode)] = (errors[String(res.statusCode)] ?? 0) + 1;
          } catch (err) {
            const code = (err as { code?: string }).code ?? 'error';
            errors[code] = (errors[code] ?? 0) + 1;
          }
        }
      };
      const progress = setInterval(() => {
        const s = samples[samples.length - 1];
        o.log(
          `  ${((Date.now() - started) / 1000).toFixed(0)} s: ${acknowledged} acknowledged, FlowGenie RSS ${s.flowgenie.toFixed(0)} MiB, postgres ${s.postgres.toFixed(0)}, redis ${s.redis.toFixed(0)}`,
        );
      }, 5000);
      await Promise.all(Array.from({ length: o.concurrency }, worker));
      clearInterval(progress);
      const seconds = (Date.now() - started) / 1000;
      phase = 'drain';
      const loadEnded = Date.now();
      let counts = { succeeded: 0, failed: 0, unfinished: 0 };
      for (let last = -1, lastChange = Date.now(); ;) {
        const rows = (
          await db.query<{ status: string; n: number }>(
            `select status, count(*)::int as n from execution.executions where workflow_id = $1 group by status`,
            [wf.id],
          )
        ).rows;
        const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
        const total = rows.reduce((a, r) => a + r.n, 0);
        counts = {
          succeeded: by.succeeded ?? 0,
          failed: by.failed ?? 0,
          unfinished: total - (by.succeeded ?? 0) - (by.failed ?? 0) - (by.canceled ?? 0),
        };
        if (total >= acknowledged && counts.unfinished === 0) break;
        const finished = total - counts.unfinished;
        if (finished !== last) {
          last = finished;
          lastChange = Date.now();
        }
        if (Date.now() - lastChange > 30_000) break;
        await sleep(500);
      }
      const drainSeconds = (Date.now() - loadEnded) / 1000;
      const after = o.meter.snapshot();
      phase = 'after';
      o.log(`  drained in ${drainSeconds.toFixed(1)} s; sampling ${o.afterSeconds} s after…`);
      await sleep(o.afterSeconds * 1000);
      const stored = (
        await db.query<{ rows: number; bytes: string | null }>(
          `select count(*)::int as rows, sum(bytes)::bigint as bytes from payloads.payloads`,
        )
      ).rows[0];
      const largest = async (q: string) =>
        Number((await db.query<{ n: number | null }>(q)).rows[0]?.n ?? 0);
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        bodyBytes,
        seconds,
        concurrency: o.concurrency,
        sent,
        acknowledged,
        errors,
        ...counts,
        drainSeconds,
        latencyP50: percentile(sorted, 50),
        latencyP99: percentile(sorted, 99),
        samples,
        usage: cpuUsage(before, after, o.hz, o.cores),
        stored: { rows: stored.rows, mib: Number(stored.bytes ?? 0) / 1024 / 1024 },
        largestRow: {
          outbox: await largest(`select max(pg_column_size(o.*))::int as n from trigger.outbox o`),
          steps: await largest(`select max(pg_column_size(s.*))::int as n from execution.steps s`),
        },
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}

/** Markdown: the cell, the RSS by phase, and the samples every `every` seconds. */
export function largePayloadTables(r: LargePayloadResult, every = 5): string {
  const errors = Object.entries(r.errors)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const mib = r.bodyBytes / 1024 / 1024;
  const head =
    '| body MiB | concurrency | seconds | sent | acknowledged (202) | req/s | MiB/s in | p50 / p99 ms | errors | succeeded | failed | unfinished | drain s | CPU ms / execution (all processes) | stored payloads (rows, MiB) | largest outbox / step row (bytes) |';
  const sep = `|${head
    .split('|')
    .slice(1, -1)
    .map(() => ' --- ')
    .join('|')}|`;
  const row = `| ${mib.toFixed(1)} | ${r.concurrency} | ${r.seconds.toFixed(0)} | ${r.sent} | ${r.acknowledged} | ${(r.acknowledged / r.seconds).toFixed(2)} | ${((r.acknowledged * mib) / r.seconds).toFixed(1)} | ${fmt(r.latencyP50, 0)} / ${fmt(r.latencyP99, 0)} | ${errors || 0} | ${r.succeeded} | ${r.failed} | ${r.unfinished} | ${r.drainSeconds.toFixed(1)} | ${r.acknowledged ? (r.usage.totalMs / r.acknowledged).toFixed(0) : '–'} | ${r.stored.rows}, ${r.stored.mib.toFixed(0)} | ${r.largestRow.outbox} / ${r.largestRow.steps} |`;
  const phases = (['before', 'load', 'drain', 'after'] as const).map((p) => [
    p,
    phaseSummary(r.samples, p),
  ]) as [string, ReturnType<typeof phaseSummary>][];
  const phaseRows = phases.map(
    ([p, s]) =>
      `| ${p} | ${s.n} | ${fmt(s.flowgenie.mean, 0)} / ${fmt(s.flowgenie.max, 0)} / ${fmt(s.flowgenie.last, 0)} | ${fmt(s.postgres.mean, 0)} / ${fmt(s.postgres.max, 0)} / ${fmt(s.postgres.last, 0)} | ${fmt(s.redis.mean, 0)} / ${fmt(s.redis.max, 0)} / ${fmt(s.redis.last, 0)} |`,
  );
  const base = phaseSummary(r.samples, 'before').flowgenie.last;
  const end = phaseSummary(r.samples, 'after').flowgenie.last;
  // Flat: back within 10 % (or 32 MiB) of the baseline once the bodies are done.
  const back = end - base <= Math.max(32, base * 0.1);
  const series = r.samples
    .filter((s, i) => i % every === 0 || i === r.samples.length - 1)
    .map(
      (s) =>
        `| ${s.t.toFixed(0)} | ${s.phase} | ${s.flowgenie.toFixed(0)} | ${s.postgres.toFixed(0)} | ${s.redis.toFixed(0)} |`,
    );
  return [
    head,
    sep,
    row,
    '',
    'RSS (MiB) by phase, mean / max / last sample (every 1 s; Postgres sums its processes, shared buffers counted in each):',
    '',
    '| phase | samples | FlowGenie (all processes) | postgres | redis |',
    '| --- | --- | --- | --- | --- |',
    ...phaseRows,
    '',
    `FlowGenie RSS back to baseline after the run: **${back ? 'yes' : 'no'}** (${fmt(base, 0)} MiB before, ${fmt(end, 0)} MiB at the end; "back" = within 10 % or 32 MiB).`,
    '',
    `| s | phase | FlowGenie RSS MiB | postgres | redis |`,
    '| --- | --- | --- | --- | --- |',
    ...series,
  ].join('\n');
}
