import { hash } from 'node:crypto';
import { ledgerKey } from '../../ports/warehouse.js';

/** A 48-bit hash of a ledger key: what the ledger guard remembers of each file (hash-filter.ts). */
export function ledgerHash(filePath: string, generation: string): number {
  // One-shot hashing: 1.1 µs instead of 2.1 for a key (three per file written).
  return hash('sha1', ledgerKey({ filePath, generation }), 'buffer').readUIntBE(0, 6);
}
