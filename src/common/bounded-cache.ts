/**
 * A map that keeps at most `capacity` entries, forgetting the oldest first. For values that are costly to
 * compute and come back often (parsed names and phones, validated mappings, date formatters): the bound keeps a
 * long-running process from growing without end when the values never repeat.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): V {
    if (!this.entries.has(key) && this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }

  /** The value kept for `key`, computed (and kept) on first use. `undefined` is never kept. */
  getOrCompute(key: K, compute: (key: K) => V): V {
    const known = this.entries.get(key);
    return known !== undefined ? known : this.set(key, compute(key));
  }
}
