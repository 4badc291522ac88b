/**
 * An in-process map whose entries expire after `ttlMs`; past `maxEntries` the oldest go first.
 * For derived values a request may reuse for a moment (never for anything shared by users).
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > Date.now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    const now = Date.now();
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + this.ttlMs });
    // Entries are kept in the order they expire: drop the expired ones and the oldest past the bound.
    for (const [oldest, entry] of this.#entries) {
      if (entry.expires > now && this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** Changes the value and keeps its expiry (a value derived from an expiring one expires with it). */
  update(key: K, value: V): void {
    const entry = this.#entries.get(key);
    if (entry) entry.value = value;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.#entries) if (matches(entry.value)) this.#entries.delete(key);
  }
}
