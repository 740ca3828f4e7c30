import { NaturalBatcher } from './batcher';

/** A batch runner whose batches are released by hand, recording what each batch held. */
function heldRunner() {
  const batches: number[][] = [];
  const release: Array<() => void> = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((r) => release.push(r));
    return items.map((i) => i * 10);
  };
  return { batches, release, run };
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * A batcher over `run` whose first batch waits until `release()`, so the calls made meanwhile
 * gather into the next one; `batches` records what each batch held.
 */
function firstBatchHeld<O>(run: (items: number[]) => O[]) {
  const batches: number[][] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const batcher = new NaturalBatcher(
    async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await held;
      return run(items);
    },
    { maxBatch: 100, maxInFlight: 1 },
  );
  return { batcher, batches, release };
}

describe('NaturalBatcher', () => {
  it('runs a lone call at once, and groups the calls made while a batch runs into the next', async () => {
    // Prepare
    const { batches, release, run } = heldRunner();
    const batcher = new NaturalBatcher(run, { maxBatch: 100, maxInFlight: 1 });

    // Act: one call, then three while it runs
    const first = batcher.add(1);
    await tick();
    const later = [batcher.add(2), batcher.add(3), batcher.add(4)];
    await tick();
    expect(batches).toEqual([[1]]);
    release[0]();
    await first;
    await tick();
    release[1]();

    // Assess: each call gets its own result; the three went together
    expect(await first).toBe(10);
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps at most maxInFlight batches running and maxBatch items in each', async () => {
    const { batches, release, run } = heldRunner();
    const batcher = new NaturalBatcher(run, { maxBatch: 2, maxInFlight: 2 });

    const calls = [1, 2, 3, 4, 5, 6].map((i) => batcher.add(i));
    await tick();
    expect(batches).toEqual([[1], [2]]);
    release[0]();
    await tick();
    expect(batches).toEqual([[1], [2], [3, 4]]);
    release[1]();
    await tick();
    release[2]();
    await tick();
    release[3]();

    expect(await Promise.all(calls)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2], [3, 4], [5, 6]]);
  });

  it('runs the items of a failed batch alone, so only the call that cannot succeed fails', async () => {
    // Prepare: any batch holding 13 fails
    const { batcher, batches, release } = firstBatchHeld((items) => {
      if (items.includes(13)) throw new Error('13 cannot be recorded');
      return items.map((i) => i * 10);
    });

    // Act
    const first = batcher.add(1);
    const grouped = [12, 13, 14].map((i) => batcher.add(i).catch((e: Error) => e.message));
    release();

    // Assess
    expect(await first).toBe(10);
    expect(await Promise.all(grouped)).toEqual([120, '13 cannot be recorded', 140]);
    expect(batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('fails every call of a batch whose results do not match its items, without running it again', async () => {
    const { batcher, batches, release } = firstBatchHeld((items) =>
      items.length > 1 ? [1] : items,
    );

    const first = batcher.add(1);
    const grouped = [2, 3].map((i) => batcher.add(i).catch((e: Error) => e.message));
    release();

    expect(await first).toBe(1);
    expect(await Promise.all(grouped)).toEqual([
      'a batch of 2 gave 1 results',
      'a batch of 2 gave 1 results',
    ]);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});
