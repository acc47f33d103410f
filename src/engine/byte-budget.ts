/**
 * Bytes of files in flight, bounded: a file waits until its bytes fit (a file larger than the whole
 * budget waits until nothing else is in flight). Keeps a run's memory independent of how many
 * files it may have in flight at once.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(private readonly limit: number) {}

  /**
   * Resolves once `bytes` are reserved; pass the same number to `release`. Rejects, reserving
   * nothing, when `signal` aborts first.
   */
  async acquire(bytes: number, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const want = Math.min(Math.max(0, bytes), this.limit);
    if (this.waiting.length === 0 && this.used + want <= this.limit) {
      this.used += want;
      return want;
    }
    await new Promise<void>((go, stop) => {
      const entry = { bytes: want, go };
      this.waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.waiting.indexOf(entry);
          if (at < 0) return; // already given its bytes
          this.waiting.splice(at, 1);
          this.release(0); // a smaller file behind it may fit now
          stop(signal.reason);
        },
        { once: true },
      );
    });
    return want;
  }

  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiting.length > 0 && this.used + this.waiting[0]!.bytes <= this.limit) {
      const next = this.waiting.shift()!;
      this.used += next.bytes;
      next.go();
    }
  }
}
