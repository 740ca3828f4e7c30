import {
  parseMachineBusyTicks,
  parseProcStatTicks,
  parseStatusRssKb,
  postgresBackendDatabase,
  postgresKindOf,
} from './proc';

describe('/proc parsing', () => {
  it('sums utime and stime of a process, even when its name holds spaces and parentheses', () => {
    const stat =
      '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 12345 0 12 0 731 169 0 0 20 0 11 0 5000 1200000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0';
    expect(parseProcStatTicks(stat)).toBe(900);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => parseProcStatTicks('hello')).toThrow(/not a \/proc\/<pid>\/stat/);
  });

  it('counts busy machine ticks without idle and iowait', () => {
    const stat = [
      'cpu  100 5 50 1000 40 3 2 7 0 0',
      'cpu0 50 2 25 500 20 1 1 3 0 0',
      'intr 1 2 3',
    ].join('\n');
    expect(parseMachineBusyTicks(stat)).toBe(100 + 5 + 50 + 3 + 2 + 7);
  });

  it('reads VmRSS, and 0 when a process has none', () => {
    expect(parseStatusRssKb('Name:\tnode\nVmPeak:\t 999 kB\nVmRSS:\t  123456 kB\n')).toBe(123456);
    expect(parseStatusRssKb('Name:\tkthreadd\nState:\tS\n')).toBe(0);
  });

  it('names the kind of each Postgres process', () => {
    expect(
      postgresKindOf('postgres: 15/main: postgres fg_bench_1a 127.0.0.1(57250) idle\0\0'),
    ).toBe('backend');
    expect(postgresKindOf('postgres: 15/main: autovacuum worker fg_bench_1a')).toBe('autovacuum');
    expect(postgresKindOf('postgres: 15/main: walwriter ')).toBe('walwriter');
    expect(postgresKindOf('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql')).toBe(
      'postmaster',
    );
  });

  it('tells a Postgres backend of one database from background processes', () => {
    expect(
      postgresBackendDatabase('postgres: 15/main: postgres fg_bench_1a 127.0.0.1(57250) idle\0\0'),
    ).toBe('fg_bench_1a');
    expect(postgresBackendDatabase('postgres: 15/main: postgres other [local] SELECT')).toBe(
      'other',
    );
    expect(postgresBackendDatabase('postgres: 15/main: checkpointer ')).toBeUndefined();
    expect(postgresBackendDatabase('postgres: 15/main: autovacuum launcher ')).toBeUndefined();
    expect(
      postgresBackendDatabase('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql'),
    ).toBeUndefined();
  });
});
