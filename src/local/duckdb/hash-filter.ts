/**
 * A set of 48-bit hashes that answers "maybe held" or "certainly not": Bloom filters of 16 probes
 * and 32 bits an entry (a false "maybe" for ~1 in 3 million unheld hashes a full filter), a new
 * filter of twice the size whenever the last one is full. A `Set` of such numbers cost 37 bytes an
 * entry (a ledger of 10,000,000 files: 370 MB, and a `Set` stops at 16.7 million); this costs 4-8.
 * The probes step through a filter's bits from the whole hash by its (odd) high 24 bits.
 */
export class HashFilter {
  private readonly filters: Filter[] = [];

  constructor(private readonly firstCapacity = 1 << 18) {}

  add(hash: number): void {
    let last = this.filters.at(-1);
    if (!last || last.count >= last.capacity) {
      last = filter(last ? Math.min(last.capacity * 2, MAX_CAPACITY) : this.firstCapacity);
      this.filters.push(last);
    }
    const step = Math.floor(hash / TWO_24) | 1;
    for (let i = 0; i < PROBES; i++) {
      const bit = (hash + i * step) % last.size;
      last.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    last.count++;
  }

  /** False when `hash` was certainly never added; true when it may have been. */
  has(hash: number): boolean {
    const step = Math.floor(hash / TWO_24) | 1;
    for (const f of this.filters) if (holds(f, hash, step)) return true;
    return false;
  }

  /** The memory its filters hold. */
  get bytes(): number {
    return this.filters.reduce((n, f) => n + f.bits.byteLength, 0);
  }
}

interface Filter {
  bits: Uint32Array;
  /** Its bits: 32 an entry. */
  size: number;
  capacity: number;
  count: number;
}

const TWO_24 = 2 ** 24;
const PROBES = 16;
/** A filter of 16 million entries at most (64 MiB); more take more filters. */
const MAX_CAPACITY = 2 ** 24;

/** Whether every probe of `hash` finds its bit set in `f`. */
function holds(f: Filter, hash: number, step: number): boolean {
  for (let i = 0; i < PROBES; i++) {
    const bit = (hash + i * step) % f.size;
    if ((f.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
  }
  return true;
}

function filter(capacity: number): Filter {
  const words = capacity; // 32 bits an entry
  return { bits: new Uint32Array(words), size: words * 32, capacity, count: 0 };
}
