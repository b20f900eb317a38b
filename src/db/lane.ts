/**
 * A single write lane: jobs run one at a time, in arrival order. On the embedded FerretDB every
 * write of this process goes through one lane (and one connection), which is what makes a
 * read-check-write by _id atomic there: nothing else of this process writes in between.
 * A job must not enqueue another job on the same lane (it would wait for itself).
 */
export interface Lane {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** jobs waiting or running */
  readonly depth: number;
}

export function createLane(): Lane {
  let tail: Promise<unknown> = Promise.resolve();
  let depth = 0;
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      depth++;
      const result = tail.then(job);
      // the next job waits for this one whatever its outcome
      tail = result.then(() => undefined, () => undefined).finally(() => { depth--; });
      return result;
    },
    get depth() { return depth; },
  };
}
