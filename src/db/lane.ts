import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A single write lane: jobs run one at a time, in arrival order. On the embedded FerretDB every
 * write of this process goes through one lane (and one connection), which is what makes a
 * read-check-write by _id atomic there: nothing else of this process writes in between.
 * A job that writes again (through the same lane) runs that write inline: it holds the lane.
 */
export interface Lane {
  run<T>(job: () => Promise<T>): Promise<T>;
  /** jobs waiting or running */
  readonly depth: number;
}

export function createLane(): Lane {
  let tail: Promise<unknown> = Promise.resolve();
  let depth = 0;
  const inside = new AsyncLocalStorage<true>();
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      if (inside.getStore()) return job();
      depth++;
      const result = tail.then(() => inside.run(true, job));
      // the next job waits for this one whatever its outcome
      tail = result.then(() => undefined, () => undefined).finally(() => { depth--; });
      return result;
    },
    get depth() { return depth; },
  };
}
