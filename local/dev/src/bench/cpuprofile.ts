import fs from 'node:fs';
import path from 'node:path';

/** A V8 `.cpuprofile` (what `node --cpu-prof` writes at exit), the fields the summary reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
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
  const ms = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') return;
    const key = url
      ? `${functionName || '(anonymous)'} (${shortUrl(url, root)}:${lineNumber + 1})`
      : functionName || '(anonymous)';
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    ms.set(key, (ms.get(key) ?? 0) + dt);
    busy += dt;
  });
  return [...ms.entries()]
    .map(([fn, t]) => ({ fn, ms: t, pct: busy > 0 ? (t * 100) / busy : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit);
}

/** Markdown table of the top self-time functions of every profile in `dir`. */
export function summariseProfiles(dir: string, root: string, limit = 15): string {
  const files = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))
    : [];
  if (!files.length)
    return `No .cpuprofile in ${dir} (a process killed before exiting writes none).\n`;
  return files
    .map((file) => {
      const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
      const rows = topSelfTime(profile, limit, root).map(
        (t) => `| ${t.fn.replace(/\|/g, '\\|')} | ${t.ms.toFixed(0)} | ${t.pct.toFixed(1)} |`,
      );
      return [
        `#### ${file}`,
        '',
        '| function (self time) | ms | % of busy |',
        '| --- | --- | --- |',
        ...rows,
        '',
      ].join('\n');
    })
    .join('\n');
}
