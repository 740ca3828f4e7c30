/**
 * Group commit without a timer: calls made while `maxInFlight` batches are running wait, and go
 * together in the next batch (at most `maxBatch` items). A lone call runs at once, alone; under
 * load one statement carries many calls, which saves a round trip, a commit and the statement's
 * fixed cost per call. If a batch of several fails, each of its items is run again alone, so one
 * item that cannot be recorded fails only its own call.
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
  ) {}

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
    try {
      const results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length)
        throw new Error(`a batch of ${batch.length} gave ${results.length} results`);
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      await Promise.all(
        batch.map(async (b) => {
          try {
            b.resolve((await this.run([b.item]))[0]);
          } catch (alone) {
            b.reject(alone);
          }
        }),
      );
    }
  }
}
