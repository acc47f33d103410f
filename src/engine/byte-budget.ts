/**
 * Bytes of files in flight, bounded: a file waits until its bytes fit (a file larger than the whole
 * budget waits until nothing else is in flight). Keeps a run's memory independent of how many
 * files it may have in flight at once.
 */
export class ByteBudget {
  private used = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves once `bytes` are reserved; pass the same number to `release`. */
  async acquire(bytes: number): Promise<number> {
    const want = Math.min(Math.max(0, bytes), this.limit);
    if (this.waiting.length === 0 && this.used + want <= this.limit) {
      this.used += want;
      return want;
    }
    await new Promise<void>((go) => this.waiting.push({ bytes: want, go }));
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
