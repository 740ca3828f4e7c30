import { ONE_PROCESS, STACK_PROCESSES, stackModeOf, stackProcesses } from './stack';

describe('the process modes of the local stack', () => {
  it('reads FLOWGENIE_PROCESSES / BENCH_PROCESSES, falling back when unset or empty', () => {
    expect(stackModeOf(undefined, 'one')).toBe('one');
    expect(stackModeOf('', 'split')).toBe('split');
    expect(stackModeOf('split', 'one')).toBe('split');
    expect(stackModeOf('one', 'split')).toBe('one');
  });

  it('refuses an unknown mode, naming the ones there are', () => {
    expect(() => stackModeOf('single', 'one')).toThrow(
      'unknown process mode "single": one of one, split',
    );
  });

  it('runs one process in the one-process mode and six in the split mode', () => {
    expect(stackProcesses('one')).toEqual([ONE_PROCESS]);
    expect(stackProcesses('split')).toEqual(STACK_PROCESSES);
    expect(STACK_PROCESSES).toHaveLength(6);
  });
});
