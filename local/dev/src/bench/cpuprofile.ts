import fs from 'node:fs';
import path from 'node:path';

/** A V8 `.cpuprofile` (what `node --cpu-prof` writes at exit), the fields the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  /** `name (file:line)`, the file relative to the repo or to node_modules. */
  fn: string;
  ms: number;
  /** Share of the busy (non-idle) samples, in %. */
  pct: number;
  /** The caller that accounts for most of this self time (a native write is read by its caller). */
  caller?: string;
}

const shortUrl = (url: string, root: string): string => {
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + 1);
  return file.startsWith(root) ? path.relative(root, file) : file;
};

/** Pure: self time per function (summed over every node of the same function), busiest first. */
export function topSelfTime(profile: CpuProfile, limit = 15, root = ''): SelfTime[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number | undefined): string | undefined => {
    const node = id === undefined ? undefined : byNode.get(id);
    if (!node) return undefined;
    const { functionName, url, lineNumber } = node.callFrame;
    return url
      ? `${functionName || '(anonymous)'} (${shortUrl(url, root)}:${lineNumber + 1})`
      : functionName || '(anonymous)';
  };
  const ms = new Map<string, number>();
  const callers = new Map<string, Map<string, number>>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const key = label(id);
    if (key === undefined || key === '(idle)') return;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    ms.set(key, (ms.get(key) ?? 0) + dt);
    const caller = label(parent.get(id));
    if (caller !== undefined) {
      const m = callers.get(key) ?? new Map<string, number>();
      m.set(caller, (m.get(caller) ?? 0) + dt);
      callers.set(key, m);
    }
    busy += dt;
  });
  return [...ms.entries()]
    .map(([fn, t]) => {
      const top = [...(callers.get(fn) ?? new Map<string, number>()).entries()].sort(
        (a, b) => b[1] - a[1],
      )[0];
      return {
        fn,
        ms: t,
        pct: busy > 0 ? (t * 100) / busy : 0,
        ...(top && top[0] !== '(root)' ? { caller: top[0] } : {}),
      };
    })
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit);
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** Busy (non-idle) milliseconds of a profile. */
export function busyMs(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  return profile.samples.reduce(
    (sum, id, i) => (idle.has(id) ? sum : sum + (profile.timeDeltas[i] ?? 0) / 1000),
    0,
  );
}

/** `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile` (node's default name) -> pid and thread. */
export function profileOrigin(file: string): { pid: number; thread: number } | undefined {
  const m = /^CPU\.\d+\.\d+\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(file);
  return m ? { pid: Number(m[1]), thread: Number(m[2]) } : undefined;
}

/**
 * Markdown tables of the top self-time functions of every profile in `dir` with at least
 * `minBusyMs` of CPU (worker threads that only started up are listed in one line), each named
 * by its process (`names`: pid -> process name) and thread (0 = main thread).
 */
export function summariseProfiles(
  dir: string,
  root: string,
  names: Record<number, string>,
  limit = 15,
  minBusyMs = 1000,
): string {
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    : [];
  if (!files.length) {
    return `No .cpuprofile in ${dir} (a process killed before exiting writes none).\n`;
  }
  const small: string[] = [];
  const parts: string[] = [];
  for (const file of files.sort()) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const origin = profileOrigin(file);
    const label = origin
      ? `${names[origin.pid] ?? `pid ${origin.pid}`} ${origin.thread === 0 ? 'main thread' : `worker thread ${origin.thread}`}`
      : file;
    const busy = busyMs(profile);
    if (busy < minBusyMs) {
      small.push(`${label} ${busy.toFixed(0)} ms`);
      continue;
    }
    const rows = topSelfTime(profile, limit, root).map(
      (t) =>
        `| ${esc(t.fn)} | ${t.ms.toFixed(0)} | ${t.pct.toFixed(1)} | ${t.caller ? esc(t.caller) : ''} |`,
    );
    parts.push(
      [
        `#### ${label}: ${busy.toFixed(0)} ms busy (${file})`,
        '',
        '| function (self time) | ms | % of busy | main caller |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  }
  if (small.length) parts.push(`Threads under ${minBusyMs} ms busy: ${small.join('; ')}.\n`);
  return parts.join('\n');
}
