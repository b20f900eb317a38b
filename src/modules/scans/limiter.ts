/** A counting semaphore: at most `limit` holders at once, the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.active--;
    }
  }
}

/**
 * The scanner's two limits: SCAN_CONCURRENCY checks in flight in this process, and at most
 * `perHost` of them against any one address, so a scan never floods one system.
 */
export class ScanLimiter {
  private readonly global: Semaphore;
  private readonly hosts = new Map<string, { sem: Semaphore; users: number }>();
  constructor(concurrency: number, private readonly perHost: number) { this.global = new Semaphore(concurrency); }

  run<T>(address: string, fn: () => Promise<T>): Promise<T> {
    let h = this.hosts.get(address);
    if (!h) { h = { sem: new Semaphore(this.perHost), users: 0 }; this.hosts.set(address, h); }
    h.users++;
    const host = h;
    return host.sem.use(() => this.global.use(fn)).finally(() => {
      if (--host.users === 0) this.hosts.delete(address);
    });
  }
}
