/** A small in-process cache: entries live `ttlMs` at most, the oldest go first past `max`. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  constructor(public ttlMs: number, private readonly max = 10_000) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= Date.now()) { this.entries.delete(key); return undefined; }
    return e.value;
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    if (this.ttlMs <= 0 || ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until: Date.now() + Math.min(ttlMs, this.ttlMs) });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void { this.entries.delete(key); }

  deleteWhere(test: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (test(e.value, k)) this.entries.delete(k);
  }

  clear(): void { this.entries.clear(); }
}
