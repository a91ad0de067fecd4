/**
 * Group commit: callers submit one item each and wait; items that arrive while a flush is running go out
 * together in the next one (up to `maxBatch`). Under a trickle every item is flushed at once (no added delay);
 * under a burst each flush carries everything that queued meanwhile, so the cost per item falls as load rises.
 *
 * A flush that fails is retried item by item, so one bad item fails alone.
 */
export interface Batcher<T, R> {
  submit(item: T): Promise<R>;
  /** Items waiting or being flushed. */
  readonly pending: number;
}

export function createBatcher<T, R>(flush: (items: T[]) => Promise<R[]>, opts: { maxBatch: number; concurrency?: number }): Batcher<T, R> {
  const queue: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  const concurrency = opts.concurrency ?? 1;
  let running = 0;
  let inFlight = 0;

  const run = async (batch: typeof queue) => {
    try {
      const results = await flush(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const b of batch) await flush([b.item]).then(([r]) => b.resolve(r!), b.reject);
    }
  };

  const pump = () => {
    while (running < concurrency && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      running += 1;
      void run(batch).finally(() => {
        running -= 1;
        inFlight -= batch.length;
        pump();
      });
    }
  };

  return {
    submit(item) {
      inFlight += 1;
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    get pending() {
      return inFlight;
    },
  };
}
