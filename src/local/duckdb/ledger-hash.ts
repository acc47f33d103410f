import { hash } from 'node:crypto';
import { ledgerKey } from '../../ports/warehouse.js';

/** A 48-bit hash of a ledger key: 100,000 files cost about 2 MiB to remember. */
export function ledgerHash(filePath: string, generation: string): number {
  // One-shot hashing: 1.1 µs instead of 2.1 for a key (three per file written).
  return hash('sha1', ledgerKey({ filePath, generation }), 'buffer').readUIntBE(0, 6);
}
