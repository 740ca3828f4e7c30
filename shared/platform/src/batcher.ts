/**
 * Group commit without a timer: calls made while `maxInFlight` batches are running wait, and go
 * together in the next batch (at most `maxBatch` items). A lone call runs at once, alone; under
 * load one statement carries many calls, which saves a round trip, a commit and the statement's
 * fixed cost per call. If a batch of several fails, its items are run again alone, one after the
 * other, so one item that cannot be recorded fails only its own call; a batch whose results do
 * not match its items (it may have been written) fails every call instead. `run` must write
 * nothing when it throws (one statement, or one transaction). A call keeps no context of its
 * caller (AsyncLocalStorage): capture what it needs before `add`.
 *
 * @example
 * const firings = new NaturalBatcher((items) => insertAll(items), { maxBatch: 100, maxInFlight: 2 });
 * const outcome = await firings.add(firing);
 */
export class NaturalBatcher<I, O> {
  private queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    /** Runs a batch: one result per item, in the items' order. */
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: { maxBatch: number; maxInFlight: number },
  ) {
    if (!(opts.maxBatch >= 1 && opts.maxInFlight >= 1))
      throw new Error('NaturalBatcher: maxBatch and maxInFlight must be at least 1');
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight += 1;
      void this.settle(batch).finally(() => {
        this.inFlight -= 1;
        this.next();
      });
    }
  }

  private async settle(batch: NaturalBatcher<I, O>['queue']): Promise<void> {
    let results: O[];
    try {
      results = await this.run(batch.map((b) => b.item));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // One at a time: a failing database must not get a statement per item at once.
      for (const b of batch) {
        try {
          const [result] = await this.run([b.item]);
          b.resolve(result);
        } catch (alone) {
          b.reject(alone);
        }
      }
      return;
    }
    if (results.length !== batch.length) {
      const err = new Error(`a batch of ${batch.length} gave ${results.length} results`);
      for (const b of batch) b.reject(err);
      return;
    }
    batch.forEach((b, i) => b.resolve(results[i]));
  }
}
