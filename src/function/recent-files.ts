/**
 * The files this instance landed or staged lately, by ledger key: a redelivery that reaches the
 * same instance (Pub/Sub's retries often do) is acknowledged without reading the file or asking
 * the ledger. Bounded: the oldest keys are forgotten first (10,000 keys ≈ 2 MB).
 */
export class RecentFiles {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}
