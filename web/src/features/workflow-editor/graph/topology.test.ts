// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { upstreamOf, wouldCreateCycle } from './topology';

describe('topology', () => {
  it('finds upstream steps nearest first and detects cycles', () => {
    const edges = [
      { source: 't', target: 'a' },
      { source: 'a', target: 'b' },
      { source: 't', target: 'c' },
      { source: 'c', target: 'b' },
    ];
    expect(upstreamOf('b', edges)).toEqual(['a', 'c', 't']);
    expect(wouldCreateCycle('b', 't', edges)).toBe(true);
    expect(wouldCreateCycle('c', 'a', edges)).toBe(false);
  });
});
