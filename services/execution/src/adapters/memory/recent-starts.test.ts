import type { ExecutionDetail } from '../../domain/execution';
import { RecentStarts } from './recent-starts';

const detail = (id: string) => ({ id, steps: [], revision: 'r1' }) as unknown as ExecutionDetail;

describe('RecentStarts', () => {
  it('keeps nothing while no executor of this process runs', () => {
    const starts = new RecentStarts();
    starts.put(detail('a'));
    expect(starts.take('a')).toBeUndefined();
  });

  it('hands a start over once', () => {
    const starts = new RecentStarts();
    starts.open();
    starts.put(detail('a'));
    expect(starts.take('a')).toEqual(detail('a'));
    expect(starts.take('a')).toBeUndefined();
  });

  it('drops a start not taken in time, and the oldest past its count', () => {
    let now = 0;
    const starts = new RecentStarts({ maxEntries: 2, ttlMs: 100, now: () => now });
    starts.open();
    starts.put(detail('a'));
    now = 101;
    expect(starts.take('a')).toBeUndefined();
    starts.put(detail('b'));
    starts.put(detail('c'));
    starts.put(detail('d'));
    expect(starts.take('b')).toBeUndefined();
    expect(starts.take('c')).toEqual(detail('c'));
    expect(starts.take('d')).toEqual(detail('d'));
  });

  it('forgets everything once its last executor stops', () => {
    const starts = new RecentStarts();
    starts.open();
    starts.open();
    starts.put(detail('a'));
    starts.close();
    expect(starts.take('a')).toEqual(detail('a'));
    starts.put(detail('b'));
    starts.close();
    expect(starts.take('b')).toBeUndefined();
    starts.put(detail('c'));
    expect(starts.take('c')).toBeUndefined();
  });
});
