import { createHash } from 'node:crypto';

/** A 48-bit hash of a ledger key: 100,000 files cost about 2 MiB to remember. */
export function ledgerHash(filePath: string, generation: string): number {
  return createHash('sha1').update(filePath).update('#').update(generation).digest().readUIntBE(0, 6);
}
