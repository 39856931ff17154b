/**
 * Concurrent callers share one statement: one round trip and, for writes, one transaction and one WAL flush
 * (group commit). At most `maxConcurrent` statements are in flight; callers arriving meanwhile wait and go
 * together in the next one, up to `maxBatch` each. Alone, a caller goes at once, so nothing waits at low load.
 *
 * Each caller is answered only after the statement that holds its item has completed (for writes: committed).
 * A batch that fails is run again one item at a time, so one bad item cannot fail its neighbours, unless
 * `failWhole` says the error would fail every item anyway (an unreachable database).
 */
export interface StatementBatcherOptions<I, O> {
  maxConcurrent: number;
  maxBatch: number;
  one: (input: I) => Promise<O>;
  /** Answers in the order of its inputs. */
  many: (inputs: I[]) => Promise<O[]>;
  failWhole?: (err: unknown) => boolean;
}

interface Pending<I, O> {
  input: I;
  resolve: (result: O) => void;
  reject: (err: unknown) => void;
}

export class StatementBatcher<I, O> {
  private readonly queue: Array<Pending<I, O>> = [];
  private writing = 0;

  constructor(private readonly options: StatementBatcherOptions<I, O>) {}

  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.writing < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.writing++;
      void this.write(batch).finally(() => {
        this.writing--;
        this.flush();
      });
    }
  }

  private async write(batch: Array<Pending<I, O>>): Promise<void> {
    if (batch.length === 1) {
      const [only] = batch;
      await this.options.one(only!.input).then(only!.resolve, only!.reject);
      return;
    }
    let results: O[];
    try {
      results = await this.options.many(batch.map((p) => p.input));
    } catch (err) {
      if (this.options.failWhole?.(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      await Promise.all(batch.map((p) => this.options.one(p.input).then(p.resolve, p.reject)));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}
