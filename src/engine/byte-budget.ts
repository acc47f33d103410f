/**
 * Bytes of files in flight, bounded: a file starts once its bytes fit (a file larger than the whole
 * budget waits until nothing else is in flight). Keeps a run's memory independent of how many
 * files it may have in flight at once.
 *
 * A file's listed size can be far below what its rows hold (a gzip file of 3 KB held 20,000
 * events: 200 of them peaked at 1.4 GB when only listed bytes were counted). So a file `grow`s its
 * hold as its rows come (never waiting: a file being read always finishes, so holds never stall
 * one another), and a file starts with what files have held on average so far, if that is more
 * than its listed size. Until a few files have ended, at most a few start at once.
 */
export class ByteBudget {
  private used = 0;
  private holds = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];
  /** Bytes held by the files that ended, and how many ended: the start estimate. */
  private heldTotal = 0;
  private ended = 0;

  constructor(
    private readonly limit: number,
    /** Called when a start must wait for room: what holds it may be waiting to be committed. */
    private readonly short: () => void = () => {},
  ) {}

  /**
   * Resolves once the file's bytes are reserved, with its hold. Rejects, reserving nothing, when
   * `signal` aborts first.
   */
  async acquire(bytes: number, signal?: AbortSignal): Promise<Hold> {
    signal?.throwIfAborted();
    const hold = new Hold(this);
    const now = this.want(bytes);
    if (this.waiting.length === 0 && this.fits(now)) {
      this.grant(hold, now);
      return hold;
    }
    this.short();
    await new Promise<void>((go, stop) => {
      // What it reserves is decided when it starts, from what files held by then: decided at the
      // call, 184 files waiting from the start took their small listed size and then grew to 5 MB
      // each, 801 MiB held under a 32 MiB budget.
      const entry = { bytes, go: () => (this.grant(hold, this.want(bytes)), go()) };
      this.waiting.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.waiting.indexOf(entry);
          if (at < 0) return; // already given its bytes
          this.waiting.splice(at, 1);
          this.wake(); // a smaller file behind it may fit now
          stop(signal.reason);
        },
        { once: true },
      );
    });
    return hold;
  }

  /** @internal Adds `bytes` to what is held (a file's rows outgrew its hold). */
  grew(bytes: number): void {
    this.used += bytes;
  }

  /** @internal Gives back what `hold` holds, and learns from it. */
  drop(hold: Hold): void {
    this.used -= hold.bytes;
    this.holds--;
    this.heldTotal += hold.bytes;
    this.ended++;
    this.wake();
  }

  /** What a file of `listed` bytes reserves to start: its size, or what files held on average if more. */
  private want(listed: number): number {
    const estimate = this.ended > 0 ? this.heldTotal / this.ended : 0;
    return Math.min(Math.max(0, listed, estimate), this.limit);
  }

  /** Whether `bytes` more may start: room left, and, until WARM_UP files ended, fewer than WARM_UP in flight. */
  private fits(bytes: number): boolean {
    if (this.ended < WARM_UP && this.holds >= WARM_UP) return false;
    return this.used + bytes <= this.limit;
  }

  private grant(hold: Hold, bytes: number): void {
    this.used += bytes;
    this.holds++;
    hold.bytes = bytes;
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.fits(this.want(this.waiting[0]!.bytes))) this.waiting.shift()!.go();
  }
}

/** Files in flight at most until that many have ended (how much a file holds is not known before). */
const WARM_UP = 16;

/** One file's reservation. */
export class Hold {
  bytes = 0;
  private released = false;

  constructor(private readonly budget: ByteBudget) {}

  /** Holds at least `total` bytes from now on (at once: a file being read is never held up). */
  grow(total: number): void {
    if (this.released || total <= this.bytes) return;
    this.budget.grew(total - this.bytes);
    this.bytes = total;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.drop(this);
  }
}
