import { busyMs, profileOrigin, topSelfTime, type CpuProfile } from './cpuprofile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe('topSelfTime', () => {
  it('sums self time per function across call sites, leaves idle out, busiest first', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 7, 5, 6] },
        {
          id: 7,
          callFrame: frame('query', 'file:///repo/node_modules/pg/lib/client.js', 4),
          children: [3, 4],
        },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('parse', 'file:///repo/node_modules/pg/lib/parse.js', 9) },
        { id: 4, callFrame: frame('parse', 'file:///repo/node_modules/pg/lib/parse.js', 9) },
        { id: 5, callFrame: frame('', 'file:///repo/services/x/src/a.ts', 0) },
        { id: 6, callFrame: frame('(garbage collector)') },
      ],
      samples: [2, 3, 4, 5, 6, 2],
      timeDeltas: [50_000, 1_000, 2_000, 500, 500, 50_000],
    };
    expect(topSelfTime(profile, 10, '/repo')).toEqual([
      {
        fn: 'parse (node_modules/pg/lib/parse.js:10)',
        ms: 3,
        pct: 75,
        caller: 'query (node_modules/pg/lib/client.js:5)',
      },
      { fn: '(anonymous) (services/x/src/a.ts:1)', ms: 0.5, pct: 12.5 },
      { fn: '(garbage collector)', ms: 0.5, pct: 12.5 },
    ]);
    expect(topSelfTime(profile, 1, '/repo')).toHaveLength(1);
    expect(busyMs(profile)).toBe(4);
  });

  it("reads the pid and thread from node's default profile file name", () => {
    expect(profileOrigin('CPU.20261201.063136.8650.1.002.cpuprofile')).toEqual({
      pid: 8650,
      thread: 1,
    });
    expect(profileOrigin('mine.cpuprofile')).toBeUndefined();
  });
});
