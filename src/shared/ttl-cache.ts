/**
 * A small in-process cache: entries live `ttlMs` at most, the oldest go first past `max`.
 * A value read from the database while an entry was being invalidated must not be kept: take a
 * `mark()` before the read and pass it to `set()`, which then keeps nothing if any entry was
 * deleted or cleared meanwhile (a revocation cannot be undone by a concurrent lookup).
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  private invalidations = 0;
  constructor(public ttlMs: number, private readonly max = 10_000) {}

  mark(): number { return this.invalidations; }

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= Date.now()) { this.entries.delete(key); return undefined; }
    return e.value;
  }

  set(key: K, value: V, ttlMs = this.ttlMs, mark?: number): void {
    if (this.ttlMs <= 0 || ttlMs <= 0) return;
    if (mark !== undefined && mark !== this.invalidations) return;
    this.entries.delete(key);
    this.entries.set(key, { value, until: Date.now() + Math.min(ttlMs, this.ttlMs) });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }

  delete(key: K): void { this.invalidations++; this.entries.delete(key); }

  deleteWhere(test: (value: V, key: K) => boolean): void {
    this.invalidations++;
    for (const [k, e] of this.entries) if (test(e.value, k)) this.entries.delete(k);
  }

  clear(): void { this.invalidations++; this.entries.clear(); }

  /** Every entry (the consistency check compares them with the database). */
  *each(): Generator<[K, V]> {
    for (const [k, e] of this.entries) if (e.until > Date.now()) yield [k, e.value];
  }
}
